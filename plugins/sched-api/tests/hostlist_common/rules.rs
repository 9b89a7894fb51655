//! The §7.4 rules applied to Slurm's recorded answers, plus the disagreements between Slurm
//! 22.05 and §7 found by these cases, each recognised by a precise predicate so that anything
//! else fails the test:
//!
//! * D1 — numbers of 2^64−1 and more: Slurm saturates them (`cn18446744073709551616` →
//!   `cn18446744073709551615`, `cn[99999999999999999999]` likewise) and prints nothing for a range
//!   ending at 2^64−1; loggia keeps the number as written (§7.2).
//! * D2 — piece order around names with digits inside (`a1b`): Slurm orders pieces by the
//!   natural order of their *prefix* (`a5,a6,a1b` → `a[5-6],a1b`; `a-x,a1x` → `a-x,a1x`;
//!   `a1b,a01b` → `a01b,a1b`), loggia by rule C7 on the smallest name (`a1b,a[5-6]`,
//!   `a1x,a-x`, `a1b,a01b`). Both strings expand to the same names.
//! * D3 — a newline does not separate items in Slurm: it becomes part of a name (`a\nb` is one
//!   host, printed on two lines; `x[1-2]\ny` is rejected as text after `]`), while §7.1 makes
//!   it a separator like space and TAB.
//!
//! R5 also needs one condition §7.4 does not state: loggia writes a group name by name when its
//! bracket form would be longer (`a1,a2`, where Slurm writes `a[1-2]`), so R5 is only applied when
//! every group of two or more names has a prefix of two or more characters (or one character and
//! three or more names).

use std::collections::{BTreeMap, HashMap};

use loggia_sched::hostlist::{compress, expand, HostlistErrorKind, Style};
use loggia_sched::natural::{natural_cmp, natural_sort_dedup};

use super::fixture::{Expansion, Record};

/// What the checks found: counts per rule and every violation.
#[derive(Default, Debug)]
pub struct Outcome {
    pub counts: BTreeMap<&'static str, usize>,
    pub violations: Vec<String>,
}

impl Outcome {
    fn count(&mut self, rule: &'static str) {
        *self.counts.entry(rule).or_default() += 1;
    }

    pub fn get(&self, rule: &str) -> usize {
        self.counts.get(rule).copied().unwrap_or(0)
    }

    pub fn summary(&self) -> String {
        let counts: Vec<String> = self
            .counts
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        counts.join(", ")
    }
}

/// Applies R1, R2/R3, R4 and R5 to every record.
pub fn check(records: &[Record]) -> Outcome {
    let mut out = Outcome::default();
    let expansions: HashMap<&str, &Expansion> = records
        .iter()
        .filter_map(|r| match r {
            Record::Expand { input, slurm } => Some((input.as_str(), slurm)),
            Record::Compress { .. } => None,
        })
        .collect();
    for record in records {
        match record {
            Record::Expand { input, slurm } => check_expansion(&mut out, &expansions, input, slurm),
            Record::Compress {
                names,
                sorted,
                unsorted,
            } => check_compression(&mut out, &expansions, names, sorted, unsorted),
        }
    }
    out
}

fn check_expansion(
    out: &mut Outcome,
    expansions: &HashMap<&str, &Expansion>,
    input: &str,
    slurm: &Expansion,
) {
    let ours = expand(input);
    match (slurm, &ours) {
        (Expansion::Names(theirs), Ok(names)) if theirs == names => {
            return out.count("R1 same names")
        }
        (Expansion::Rejected, Err(_)) => return out.count("R2 both reject"),
        _ => {}
    }
    if matches!(slurm, Expansion::Names(_)) && has_huge_number(input) {
        return out.count("D1 numbers >= 2^64-1");
    }
    // D3 holds only when the same input with spaces for newlines is a case of its own (and so
    // is checked against Slurm by the other rules).
    if input.contains('\n') && expansions.contains_key(input.replace('\n', " ").as_str()) {
        return out.count("D3 newline is not a separator");
    }
    match (slurm, &ours) {
        (Expansion::Names(theirs), Ok(names)) => out
            .violations
            .push(format!("R1: {input:?}: Slurm {theirs:?}, loggia {names:?}")),
        (Expansion::Names(_), Err(e)) => match strictness(input, &e.kind) {
            Some(rule) => out.count(rule),
            None => out
                .violations
                .push(format!("R3: Slurm accepts {input:?}, loggia: {e}")),
        },
        (Expansion::Rejected, Ok(_)) if has_suffix(input) => out.count("R2 suffix extension"),
        (Expansion::Rejected, Ok(names)) => out.violations.push(format!(
            "R2: Slurm rejects {input:?}, loggia gives {names:?}"
        )),
        (Expansion::Rejected, Err(_)) => {}
    }
}

/// The R3 category of an input Slurm tolerates and loggia rejects.
fn strictness(input: &str, kind: &HostlistErrorKind) -> Option<&'static str> {
    match kind {
        HostlistErrorKind::UnbalancedBrackets => Some("R3 brackets in names"),
        HostlistErrorKind::InvalidCharacter(_) => Some("R3 characters outside the grammar"),
        HostlistErrorKind::BadRange(text) if text.chars().any(char::is_whitespace) => {
            Some("R3 whitespace in brackets")
        }
        HostlistErrorKind::BadRange(text)
            if text.chars().any(|c| !c.is_ascii_digit() && c != '-') =>
        {
            Some("R3 characters outside the grammar")
        }
        HostlistErrorKind::EmptyRange if open_ended(input) => Some("R3 open-ended range"),
        _ => None,
    }
}

/// `N-]` or `N-,` inside brackets.
fn open_ended(input: &str) -> bool {
    let b = input.as_bytes();
    b.windows(3)
        .any(|w| w[0].is_ascii_digit() && w[1] == b'-' && (w[2] == b']' || w[2] == b','))
}

/// A digit run whose value is 2^64−1 or more (D1).
fn has_huge_number(input: &str) -> bool {
    const U64_MAX: &str = "18446744073709551615";
    input
        .split(|c: char| !c.is_ascii_digit())
        .map(|run| run.trim_start_matches('0'))
        .any(|run| run.len() > U64_MAX.len() || (run.len() == U64_MAX.len() && run >= U64_MAX))
}

/// Some item has text after its last `]` (the R2 exception).
fn has_suffix(input: &str) -> bool {
    split_top_level(input, &[',', ' ', '\t', '\n'])
        .iter()
        .any(|item| item.contains(']') && !item.ends_with(']'))
}

/// Splits at separator characters outside brackets, dropping empty pieces.
fn split_top_level<'a>(s: &'a str, seps: &[char]) -> Vec<&'a str> {
    let mut pieces = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            c if depth == 0 && seps.contains(&c) => {
                pieces.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    pieces.push(&s[start..]);
    pieces.retain(|p| !p.is_empty());
    pieces
}

fn unique_sorted(names: &[String]) -> Vec<String> {
    let mut v = names.to_vec();
    natural_sort_dedup(&mut v);
    v
}

fn check_compression(
    out: &mut Outcome,
    expansions: &HashMap<&str, &Expansion>,
    names: &[String],
    sorted: &str,
    unsorted: &str,
) {
    let distinct = unique_sorted(names);
    // R4, loggia side, both styles.
    for style in [Style::Slurm, Style::Extended] {
        let text = compress(names, style);
        match expand(&text) {
            Ok(mut back) => {
                let n = back.len();
                natural_sort_dedup(&mut back);
                if back == distinct && n == back.len() && text.len() <= names.join(",").len() {
                    out.count("R4 loggia round trip");
                } else {
                    out.violations.push(format!(
                        "R4: {names:?} → {text:?} ({style:?}) expands to {n} names {back:?}"
                    ));
                }
            }
            Err(e) => out.violations.push(format!("R4: {names:?} → {e}")),
        }
    }

    // R4, Slurm side: Slurm reads loggia's Slurm-style text as loggia does.
    let text = compress(names, Style::Slurm);
    match (expansions.get(text.as_str()), expand(&text)) {
        (Some(Expansion::Names(theirs)), Ok(ours)) if *theirs == ours => {
            out.count("R4 Slurm reads loggia's text")
        }
        (Some(theirs), ours) => out.violations.push(format!(
            "R4: Slurm expands {text:?} to {theirs:?}, loggia to {ours:?}"
        )),
        (None, _) => out.violations.push(format!(
            "stale fixture: no expansion recorded for loggia's {text:?}; regenerate it"
        )),
    }

    // loggia reads what Slurm writes: `hostlist` keeps order and duplicates.
    match (expand(unsorted), expand(sorted)) {
        (Ok(plain), Ok(sorted_names)) if plain == names && unique_sorted(&sorted_names) == distinct => {
            out.count("loggia reads Slurm's text")
        }
        (plain, sorted_names) => out.violations.push(format!(
            "loggia misreads Slurm's {unsorted:?} / {sorted:?} for {names:?}: {plain:?} / {sorted_names:?}"
        )),
    }

    // R5.
    if !r5_applies(&distinct) {
        out.count("R5 not applicable");
    } else if text == sorted {
        out.count("R5 same text as hostlistsorted");
    } else if same_pieces_but_digit_singles(&text, sorted) {
        out.count("D2 piece order around names with inner digits");
    } else {
        out.violations.push(format!(
            "R5: {names:?}: loggia {text:?}, Slurm hostlistsorted {sorted:?}"
        ));
    }
}

/// §7.4 R5's condition (no digit in a group prefix; per group all unpadded or one length), plus
/// groups of two or more names having a prefix long enough for the bracket form to pay off.
fn r5_applies(distinct: &[String]) -> bool {
    let mut groups: HashMap<&str, Vec<&str>> = HashMap::new();
    for name in distinct {
        let start = name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        if start < name.len() {
            groups
                .entry(&name[..start])
                .or_default()
                .push(&name[start..]);
        }
    }
    groups.iter().all(|(prefix, digits)| {
        let unpadded = digits.iter().all(|d| d.len() == 1 || !d.starts_with('0'));
        let one_length = digits.iter().all(|d| d.len() == digits[0].len());
        let pays_off =
            digits.len() < 2 || prefix.len() >= 2 || (prefix.len() == 1 && digits.len() >= 3);
        !prefix.chars().any(|c| c.is_ascii_digit()) && (unpadded || one_length) && pays_off
    })
}

/// D2: the same pieces, in the same order once names with digits followed by other text (which
/// Slurm orders by the whole name, loggia by rule C7) are left out.
fn same_pieces_but_digit_singles(ours: &str, theirs: &str) -> bool {
    let inner_digits = |p: &&str| {
        !p.contains('[')
            && p.contains(|c: char| c.is_ascii_digit())
            && !p.ends_with(|c: char| c.is_ascii_digit())
    };
    let mut a = split_top_level(ours, &[',']);
    let mut b = split_top_level(theirs, &[',']);
    let mut a_sorted = a.clone();
    let mut b_sorted = b.clone();
    a_sorted.sort_by(|x, y| natural_cmp(x, y));
    b_sorted.sort_by(|x, y| natural_cmp(x, y));
    if a_sorted != b_sorted {
        return false;
    }
    a.retain(|p| !inner_digits(p));
    b.retain(|p| !inner_digits(p));
    a == b
}
