//! Compression of node names into a hostlist (SCHEDULING.md §7.3).
//!
//! Each name is split into (prefix, digits, suffix) by the style and names sharing (prefix,
//! suffix) form a group. Inside a group natural order is the order of (value, written length),
//! so members are sorted and de-duplicated by integer keys, and each group becomes runs of
//! consecutive values in a single pass. Only the pieces (bracket groups and names written as
//! they are) are sorted with the string comparison of rule C7, by their smallest name.
//!
//! Two additions to §7.3: a group whose bracket form would be longer than its names listed one
//! by one (`a1,a2` against `a[1-2]`, only possible with prefix + suffix shorter than two
//! characters) is emitted name by name, so the result is never longer than the input list; and
//! a run of more than 65 536 values is written as several ranges (`cn[00000-65535,65536-99999]`),
//! because neither `expand` (H6) nor Slurm accepts a longer range.

use std::collections::HashMap;

use super::num::{digit_count, parse_digits, push_padded};
use super::parse::MAX_RANGE_VALUES;
use super::Style;
use crate::natural::natural_cmp;

/// A name with a number: `prefix`, the digits as written and their value, `suffix`.
struct Split<'a> {
    prefix: &'a str,
    digits: &'a str,
    suffix: &'a str,
    value: u128,
}

/// Splits a name by the style; `None` for names emitted verbatim (no digits, or a number too
/// large for `u128`).
fn split(name: &str, style: Style) -> Option<Split<'_>> {
    let bytes = name.as_bytes();
    let end = match style {
        Style::Slurm => bytes.len(),
        Style::Extended => bytes.iter().rposition(u8::is_ascii_digit)? + 1,
    };
    let start = bytes[..end]
        .iter()
        .rposition(|b| !b.is_ascii_digit())
        .map_or(0, |p| p + 1);
    if start == end {
        return None;
    }
    let digits = &name[start..end];
    Some(Split {
        prefix: &name[..start],
        digits,
        suffix: &name[end..],
        value: parse_digits(digits)?,
    })
}

/// A run of consecutive values written with zero-padding width `width`.
struct Run {
    lo: u128,
    hi: u128,
    width: usize,
}

/// Runs of one group; `members` are in (value, written length) order.
fn build_runs(members: impl Iterator<Item = (u128, usize)>) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    // Runs whose `hi` is the value before the current one, and runs touched at the current one.
    let mut prev: Vec<usize> = Vec::new();
    let mut cur: Vec<usize> = Vec::new();
    let mut cur_value: Option<u128> = None;
    for (v, len) in members {
        if cur_value != Some(v) {
            if cur_value.is_some_and(|c| c + 1 == v) {
                std::mem::swap(&mut prev, &mut cur);
            } else {
                prev.clear();
            }
            cur.clear();
            cur_value = Some(v);
        }
        // pad(v, W) equals the written digits exactly when max(W, digits of v) is their length.
        let ndig = digit_count(v);
        let best = prev
            .iter()
            .enumerate()
            .filter(|&(_, &r)| runs[r].width.max(ndig) == len)
            // Largest width; on ties the oldest run (smallest index) wins.
            .max_by(|&(_, &a), &(_, &b)| runs[a].width.cmp(&runs[b].width).then(b.cmp(&a)));
        match best {
            Some((slot, &r)) => {
                runs[r].hi = v;
                prev.swap_remove(slot);
                cur.push(r);
            }
            None => {
                cur.push(runs.len());
                runs.push(Run {
                    lo: v,
                    hi: v,
                    width: len,
                });
            }
        }
    }
    runs
}

fn render_group(prefix: &str, suffix: &str, runs: &[Run]) -> String {
    let mut s = String::with_capacity(prefix.len() + suffix.len() + 2 + runs.len() * 8);
    s.push_str(prefix);
    s.push('[');
    let mut first = true;
    for run in runs {
        // A run longer than expansion accepts (H6, and Slurm's own limit) is written in pieces.
        let mut lo = run.lo;
        loop {
            let hi = run.hi.min(lo.saturating_add(MAX_RANGE_VALUES - 1));
            if !first {
                s.push(',');
            }
            first = false;
            push_padded(&mut s, lo, run.width);
            if hi != lo {
                s.push('-');
                push_padded(&mut s, hi, run.width);
            }
            if hi == run.hi {
                break;
            }
            lo = hi + 1;
        }
    }
    s.push(']');
    s.push_str(suffix);
    s
}

/// A name with a number, as a member of its (prefix, suffix) group.
struct Member<'a> {
    group: usize,
    value: u128,
    len: usize,
    name: &'a str,
    prefix: &'a str,
    suffix: &'a str,
}

pub(crate) fn compress(names: &[&str], style: Style) -> String {
    // One id per (prefix, suffix); names without a usable number go straight to the pieces.
    let mut ids: HashMap<(&str, &str), usize> = HashMap::new();
    let mut members: Vec<Member<'_>> = Vec::with_capacity(names.len());
    let mut pieces: Vec<(&str, Option<String>)> = Vec::new();
    for &name in names.iter().filter(|n| !n.is_empty()) {
        let Some(sp) = split(name, style) else {
            pieces.push((name, None));
            continue;
        };
        let next_id = ids.len();
        let group = *ids.entry((sp.prefix, sp.suffix)).or_insert(next_id);
        members.push(Member {
            group,
            value: sp.value,
            len: sp.digits.len(),
            name,
            prefix: sp.prefix,
            suffix: sp.suffix,
        });
    }
    // Inside a group, natural order is (value, written length), so integer keys suffice and
    // equal keys are the same name.
    members.sort_unstable_by_key(|m| (m.group, m.value, m.len));
    members.dedup_by_key(|m| (m.group, m.value, m.len));

    for group in members.chunk_by(|a, b| a.group == b.group) {
        let first = &group[0];
        if group.len() > 1 {
            let runs = build_runs(group.iter().map(|m| (m.value, m.len)));
            let text = render_group(first.prefix, first.suffix, &runs);
            let listed = group.iter().map(|m| m.name.len() + 1).sum::<usize>() - 1;
            if text.len() <= listed {
                pieces.push((first.name, Some(text)));
                continue;
            }
        }
        pieces.extend(group.iter().map(|m| (m.name, None)));
    }

    // Pieces in natural order of their smallest name; duplicate singles are dropped here.
    pieces.sort_unstable_by(|a, b| natural_cmp(a.0, b.0));
    pieces.dedup_by(|a, b| a.0 == b.0);
    let mut out = String::with_capacity(
        pieces
            .iter()
            .map(|(n, t)| t.as_ref().map_or(n.len(), String::len) + 1)
            .sum(),
    );
    for (name, text) in &pieces {
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(text.as_deref().unwrap_or(name));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(names: &[&str], style: Style) -> String {
        compress(names, style)
    }

    #[test]
    fn spec_examples() {
        assert_eq!(
            c(&["cn9", "cn10", "cn11", "login1x", "login"], Style::Slurm),
            "cn[9-11],login,login1x"
        );
        assert_eq!(c(&["cn01", "cn1", "cn2"], Style::Slurm), "cn[1-2,01]");
        assert_eq!(
            c(&["gpu_a1", "gpu_a2", "gpu_a4"], Style::Slurm),
            "gpu_a[1-2,4]"
        );
        assert_eq!(c(&["cn1-ib", "cn2-ib"], Style::Extended), "cn[1-2]-ib");
        assert_eq!(c(&["cn1-ib", "cn2-ib"], Style::Slurm), "cn1-ib,cn2-ib");
    }

    #[test]
    fn padding_runs() {
        assert_eq!(
            c(&["cn08", "cn09", "cn10", "cn11"], Style::Slurm),
            "cn[08-11]"
        );
        assert_eq!(c(&["cn8", "cn9", "cn10"], Style::Slurm), "cn[8-10]");
        assert_eq!(c(&["cn099", "cn100", "cn101"], Style::Slurm), "cn[099-101]");
        assert_eq!(c(&["cn10", "cn9", "cn010"], Style::Slurm), "cn[9-10,010]");
        assert_eq!(c(&["a0", "a00", "a1", "a01"], Style::Slurm), "a[0-1,00-01]");
        assert_eq!(
            c(&["a7", "a8", "a9", "a10", "a010", "a11"], Style::Slurm),
            "a[7-11,010]"
        );
        // A padded run continues past its width: 099 → 100 keeps width 3.
        assert_eq!(
            c(&["n098", "n099", "n100", "n1000"], Style::Slurm),
            "n[098-100,1000]"
        );
        assert_eq!(
            c(&["n10", "n9", "n08", "n007"], Style::Slurm),
            "n[007,08,9-10]"
        );
    }

    #[test]
    fn duplicates_order_and_singles() {
        assert_eq!(c(&["cn3", "cn1", "cn2", "cn1"], Style::Slurm), "cn[1-3]");
        assert_eq!(c(&["x", "y", "x"], Style::Slurm), "x,y");
        assert_eq!(c(&["b1", "ab1", "ab2"], Style::Slurm), "ab[1-2],b1");
        assert_eq!(
            c(&["a.1", "a.2", "a-1", "a-2", "a_1"], Style::Slurm),
            "a-[1-2],a.[1-2],a_1"
        );
        assert_eq!(c(&["r1c1", "r1c2", "r2c1"], Style::Slurm), "r1c[1-2],r2c1");
        assert_eq!(c(&[], Style::Slurm), "");
        assert_eq!(c(&["", "cn1", ""], Style::Slurm), "cn1");
    }

    #[test]
    fn extended_style_groups_by_last_number() {
        assert_eq!(
            c(&["r1c1-ib", "r1c2-ib", "r2c1-ib", "r1c3"], Style::Extended),
            "r1c[1-2]-ib,r1c3,r2c1-ib"
        );
        assert_eq!(c(&["a1b", "a2b", "a3c"], Style::Extended), "a[1-2]b,a3c");
    }

    #[test]
    fn never_longer_than_the_list() {
        // Bracket forms that would not pay off are written name by name.
        assert_eq!(c(&["a1", "a3"], Style::Slurm), "a1,a3");
        assert_eq!(c(&["a1", "a2"], Style::Slurm), "a1,a2");
        assert_eq!(c(&["a1", "a2", "a3"], Style::Slurm), "a[1-3]");
        assert_eq!(c(&["1", "2"], Style::Slurm), "1,2");
        // Equal length: the bracket form, as Slurm writes it.
        assert_eq!(c(&["1", "2", "3"], Style::Slurm), "[1-3]");
        // Listed names keep their own place in the natural order.
        assert_eq!(c(&["a3", "a1", "a2x"], Style::Slurm), "a1,a2x,a3");
    }

    #[test]
    fn runs_longer_than_a_range_are_split() {
        let names: Vec<String> = (0..100_000).map(|i| format!("cn{i:05}")).collect();
        let text = c(
            &names.iter().map(String::as_str).collect::<Vec<_>>(),
            Style::Slurm,
        );
        assert_eq!(text, "cn[00000-65535,65536-99999]");
        let names: Vec<String> = (1..=131_073).map(|i| format!("n{i}")).collect();
        let text = c(
            &names.iter().map(String::as_str).collect::<Vec<_>>(),
            Style::Slurm,
        );
        assert_eq!(text, "n[1-65536,65537-131072,131073]");
    }

    #[test]
    fn numbers_beyond_u128_stay_verbatim() {
        let big = format!("n{}", "9".repeat(40));
        assert_eq!(
            c(&[&big, "n1", "n2", "n3"], Style::Slurm),
            format!("n[1-3],{big}")
        );
    }
}
