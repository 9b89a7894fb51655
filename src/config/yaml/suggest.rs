//! "Did you mean …?" for misspelt keys and values (spec Y1: edit distance ≤ 2).

/// The largest edit distance still offered as a suggestion.
const MAX_DISTANCE: usize = 2;

/// The candidate closest to `given` within edit distance 2; the first one listed wins ties.
///
/// A candidate is only offered when the distance is smaller than its length, so a one- or
/// two-letter typo is not "corrected" into an unrelated short word.
pub(crate) fn did_you_mean<'c>(given: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let mut best: Option<(usize, &'c str)> = None;
    for &candidate in candidates {
        if candidate == given {
            continue;
        }
        let distance = levenshtein(given, candidate);
        let plausible = distance <= MAX_DISTANCE && distance < candidate.chars().count();
        if plausible && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Edit distance (insertions, deletions, substitutions) between two strings, in characters.
pub(crate) fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    // One row of the classic table is enough: row[j] = distance(a[..i], b[..j]).
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(levenshtein("", ""), 0);
        assert_eq!(levenshtein("abc", ""), 3);
        assert_eq!(levenshtein("", "ab"), 2);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("partiton", "partition"), 1);
        assert_eq!(levenshtein("nodse", "nodes"), 2);
        assert_eq!(levenshtein("héllo", "hello"), 1);
    }

    #[test]
    fn suggests_the_closest_within_two() {
        let keys = ["nodes", "min_nodes", "partition", "tasks_per_node"];
        assert_eq!(did_you_mean("partiton", &keys), Some("partition"));
        assert_eq!(did_you_mean("node", &keys), Some("nodes"));
        assert_eq!(did_you_mean("min_nodse", &keys), Some("min_nodes"));
        assert_eq!(did_you_mean("reservation", &keys), None);
        assert_eq!(did_you_mean("nodes", &keys), None);
    }

    #[test]
    fn first_candidate_wins_ties_and_short_words_are_not_guessed() {
        assert_eq!(did_you_mean("cat", &["bat", "car"]), Some("bat"));
        assert_eq!(did_you_mean("x", &["id", "os"]), None);
        assert_eq!(did_you_mean("ab", &["cd"]), None);
        assert_eq!(did_you_mean("o", &["os"]), Some("os"));
    }
}
