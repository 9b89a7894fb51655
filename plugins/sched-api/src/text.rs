//! Small text helpers shared by plugins and the harness: edit distance for "did you mean"
//! suggestions, and byte-bounded truncation at UTF-8 boundaries.

/// Levenshtein distance over chars. Inputs are short key or plugin names, so the
/// two-row dynamic programme is plenty.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The closest candidate within edit distance 2, if any (ties: the first in `candidates`).
pub fn did_you_mean<'a, I>(given: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    candidates
        .into_iter()
        .map(|c| (edit_distance(given, c), c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Keeps at most the last `max` bytes of `s`, cut at a char boundary (stderr tails).
pub fn tail_bytes(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut start = s.len() - max;
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

/// Keeps at most the first `max` bytes of `s`, cut at a char boundary.
pub fn head_bytes(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits() {
        assert_eq!(edit_distance("slrum", "slurm"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("raw", "raw"), 0);
    }

    #[test]
    fn suggestion_only_when_close() {
        assert_eq!(did_you_mean("slrum", ["raw", "slurm"]), Some("slurm"));
        assert_eq!(did_you_mean("zzzzzz", ["raw", "slurm"]), None);
    }

    #[test]
    fn truncation_respects_utf8() {
        assert_eq!(tail_bytes("aé", 1), "");
        assert_eq!(tail_bytes("abc", 2), "bc");
        assert_eq!(head_bytes("éa", 1), "");
        assert_eq!(head_bytes("abc", 2), "ab");
    }
}
