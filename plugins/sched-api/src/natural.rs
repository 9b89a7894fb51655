//! Natural order of node names (SCHEDULING.md §0 rule C7), used for every node list, chunk and
//! hostlist loggia produces.
//!
//! A name is split into maximal runs of ASCII digits and of non-digits, and the runs are compared
//! pairwise: digit runs by numeric value of any length (ties: fewer leading zeros first), a digit
//! run before a non-digit run, non-digit runs bytewise; when every compared run is equal the name
//! with fewer runs comes first. So `cn2 < cn10 < cn010 < cnx`.
//!
//! Two names compare `Equal` only when they are byte-identical, so the order is total and
//! `natural_sort_dedup` removes exactly the duplicates.

use std::cmp::Ordering;

/// Compares two node names by rule C7.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    // Node names mostly share long prefixes: skip the common bytes, backing up only to the start
    // of a digit run that continues past them (its value is not decided yet). Starting inside
    // a shared non-digit run gives the same answer as comparing the whole runs bytewise.
    let mut start = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    while start > 0 && a[start - 1].is_ascii_digit() {
        start -= 1;
    }
    cmp_runs(&a[start..], &b[start..])
}

/// Rule C7 from a run boundary on.
fn cmp_runs(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0, 0);
    loop {
        match (i < a.len(), j < b.len()) {
            (false, false) => return Ordering::Equal,
            // Every compared run was equal: fewer runs first.
            (false, true) => return Ordering::Less,
            (true, false) => return Ordering::Greater,
            (true, true) => {}
        }
        let ra = run_end(a, i);
        let rb = run_end(b, j);
        let (run_a, run_b) = (&a[i..ra], &b[j..rb]);
        let ord = match (a[i].is_ascii_digit(), b[j].is_ascii_digit()) {
            (true, true) => cmp_digit_runs(run_a, run_b),
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => run_a.cmp(run_b),
        };
        if ord != Ordering::Equal {
            return ord;
        }
        i = ra;
        j = rb;
    }
}

/// Below this many names a plain comparison sort beats building keys.
const KEYED_SORT_MIN: usize = 64;

/// Sorts names by [`natural_cmp`], keeping equal names in their original order.
pub fn natural_sort(v: &mut [String]) {
    if v.len() < KEYED_SORT_MIN {
        v.sort_by(|a, b| natural_cmp(a, b));
    } else {
        // Stable: equal keys (identical names) keep their order.
        v.sort_by_cached_key(|n| natural_key(n));
    }
}

/// Sorts names by [`natural_cmp`] and removes exact duplicates.
pub fn natural_sort_dedup(v: &mut Vec<String>) {
    if v.len() < KEYED_SORT_MIN {
        // Equal under natural_cmp means byte-identical, so an unstable sort loses nothing.
        v.sort_unstable_by(|a, b| natural_cmp(a, b));
    } else {
        v.sort_by_cached_key(|n| natural_key(n));
    }
    v.dedup();
}

/// A byte string whose plain (`Ord`) order is the natural order of the names: `natural_key(a)
/// .cmp(&natural_key(b)) == natural_cmp(a, b)` for all names. Sorting by cached keys compares
/// flat byte strings, about ten times cheaper than [`natural_cmp`] on long shared prefixes.
///
/// Layout: per run a tag (`1` digits, `2` other bytes, so digit runs sort first), then
/// * digits: the length without leading zeros (4 bytes, big-endian), those digits, then the
///   number of leading zeros (4 bytes, big-endian): value first, fewer zeros on ties;
/// * other bytes: the bytes, with `0x00`/`0x01` escaped as `0x01 0x00`/`0x01 0x01`, then a
///   `0x00` terminator, so a run that is a prefix of another sorts first;
///
/// and a final `0`, so that a name whose runs are a prefix of another's sorts first.
pub fn natural_key(name: &str) -> Vec<u8> {
    let s = name.as_bytes();
    let mut key = Vec::with_capacity(s.len() + 16);
    let mut i = 0;
    while i < s.len() {
        let end = run_end(s, i);
        let run = &s[i..end];
        if s[i].is_ascii_digit() {
            let digits = strip_zeros(run);
            let zeros = run.len() - digits.len();
            key.push(1);
            key.extend_from_slice(&be32(digits.len()));
            key.extend_from_slice(digits);
            key.extend_from_slice(&be32(zeros));
        } else {
            key.push(2);
            for &b in run {
                if b <= 1 {
                    key.push(1);
                }
                key.push(b);
            }
            key.push(0);
        }
        i = end;
    }
    key.push(0);
    key
}

/// A run length as 4 big-endian bytes; names are far shorter than 4 GiB.
fn be32(n: usize) -> [u8; 4] {
    u32::try_from(n).unwrap_or(u32::MAX).to_be_bytes()
}

/// End (exclusive) of the digit or non-digit run starting at `start`.
fn run_end(s: &[u8], start: usize) -> usize {
    let digit = s[start].is_ascii_digit();
    s[start..]
        .iter()
        .position(|c| c.is_ascii_digit() != digit)
        .map_or(s.len(), |n| start + n)
}

/// Numeric comparison of two digit runs of any length, then fewer leading zeros first.
fn cmp_digit_runs(a: &[u8], b: &[u8]) -> Ordering {
    let sa = strip_zeros(a);
    let sb = strip_zeros(b);
    sa.len()
        .cmp(&sb.len())
        .then_with(|| sa.cmp(sb))
        .then_with(|| a.len().cmp(&b.len()))
}

fn strip_zeros(d: &[u8]) -> &[u8] {
    let zeros = d.iter().take_while(|&&c| c == b'0').count();
    &d[zeros..]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::{Equal, Greater, Less};

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        natural_sort(&mut v);
        v
    }

    #[test]
    fn spec_example_order() {
        assert_eq!(
            sorted(&["cnx", "cn010", "cn10", "cn2"]),
            ["cn2", "cn10", "cn010", "cnx"]
        );
        assert_eq!(natural_cmp("cn2", "cn10"), Less);
        assert_eq!(natural_cmp("cn10", "cn010"), Less);
        assert_eq!(natural_cmp("cn010", "cnx"), Less);
    }

    #[test]
    fn leading_zero_ties_fewer_zeros_first() {
        assert_eq!(natural_cmp("n1", "n01"), Less);
        assert_eq!(natural_cmp("n001", "n01"), Greater);
        assert_eq!(natural_cmp("n0", "n00"), Less);
        assert_eq!(
            sorted(&["n001", "n1", "n01", "n2"]),
            ["n1", "n01", "n001", "n2"]
        );
        // The value decides before the padding does.
        assert_eq!(natural_cmp("n002", "n1"), Greater);
    }

    #[test]
    fn digit_run_sorts_before_non_digit_run() {
        assert_eq!(natural_cmp("cn1", "cnx"), Less);
        assert_eq!(natural_cmp("9", "a"), Less);
        assert_eq!(natural_cmp("cn-1", "cn1"), Greater);
        assert_eq!(natural_cmp("r1c2", "r1cx"), Less);
    }

    #[test]
    fn non_digit_runs_compare_bytewise() {
        assert_eq!(natural_cmp("A1", "a1"), Less);
        assert_eq!(natural_cmp("a-1", "a.1"), Less);
        assert_eq!(natural_cmp("a.1", "a_1"), Less);
        // A run that is a prefix of the other run is smaller.
        assert_eq!(natural_cmp("a1", "a-1"), Less);
        assert_eq!(natural_cmp("ü1", "u1"), Greater);
    }

    #[test]
    fn fewer_runs_first_when_compared_runs_are_equal() {
        assert_eq!(natural_cmp("cn", "cn1"), Less);
        assert_eq!(natural_cmp("cn1", "cn1x"), Less);
        assert_eq!(natural_cmp("r1c1", "r1"), Greater);
        assert_eq!(natural_cmp("", "a"), Less);
        assert_eq!(natural_cmp("", ""), Equal);
    }

    #[test]
    fn digit_runs_of_any_length() {
        let big = "n123456789012345678901234567890123456789012345";
        let bigger = "n123456789012345678901234567890123456789012346";
        assert_eq!(natural_cmp(big, bigger), Less);
        assert_eq!(
            natural_cmp("n99999999999999999999999", "n100000000000000000000000"),
            Less
        );
        assert_eq!(natural_cmp("n0000000000000000000000001", "n2"), Less);
    }

    #[test]
    fn equal_only_when_identical() {
        assert_eq!(natural_cmp("cn01", "cn01"), Equal);
        assert_ne!(natural_cmp("cn01", "cn1"), Equal);
        assert_ne!(natural_cmp("x0", "x00"), Equal);
    }

    #[test]
    fn skipping_the_common_prefix_changes_nothing() {
        let names = [
            "", "a", "a-", "a-1", "a1", "a01", "a1b", "a10", "a010", "a1x2", "a1x10", "ab", "cn",
            "cn0", "cn00", "cn1", "cn-1", "cn12x", "cn1x", "1", "01", "10", "x9y", "x09y",
        ];
        for a in names {
            for b in names {
                assert_eq!(
                    natural_cmp(a, b),
                    cmp_runs(a.as_bytes(), b.as_bytes()),
                    "{a:?} vs {b:?}"
                );
            }
        }
    }

    #[test]
    fn keys_order_like_natural_cmp() {
        let names = [
            "",
            "a",
            "a-",
            "a-1",
            "a1",
            "a01",
            "a1b",
            "a10",
            "a010",
            "a1x2",
            "a1x10",
            "ab",
            "cn",
            "cn0",
            "cn00",
            "cn1",
            "cn-1",
            "cn12x",
            "cn1x",
            "1",
            "01",
            "10",
            "x9y",
            "x09y",
            "A1",
            "a.1",
            "a_1",
            "\u{0}",
            "a\u{0}",
            "a\u{1}1",
            "a\u{1}",
            "a\u{2}",
            "ü1",
            "u1",
            "n99999999999999999999999",
            "n100000000000000000000000",
            "n0000000000000000000000001",
        ];
        for a in names {
            for b in names {
                assert_eq!(
                    natural_key(a).cmp(&natural_key(b)),
                    natural_cmp(a, b),
                    "{a:?} vs {b:?}"
                );
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn keys_agree_with_natural_cmp(a in "[a-b0-2\\x00\\x01.-]{0,10}", b in "[a-b0-2\\x00\\x01.-]{0,10}") {
            proptest::prop_assert_eq!(natural_key(&a).cmp(&natural_key(&b)), natural_cmp(&a, &b));
        }
    }

    #[test]
    fn keyed_sorts_match_comparison_sorts() {
        // Enough names to take the keyed path, in a scrambled order with duplicates.
        let mut v: Vec<String> = (0..300u32)
            .map(|i| {
                let k = i.wrapping_mul(7919) % 150;
                match k % 3 {
                    0 => format!("cn{k}"),
                    1 => format!("cn{k:04}"),
                    _ => format!("r{}c{}", k % 7, k),
                }
            })
            .collect();
        let mut want = v.clone();
        want.sort_by(|a, b| natural_cmp(a, b));
        natural_sort(&mut v);
        assert_eq!(v, want);
        want.dedup();
        natural_sort_dedup(&mut v);
        assert_eq!(v, want);
        assert_eq!(v.len(), 150);
    }

    #[test]
    fn multi_run_names() {
        assert_eq!(
            sorted(&["r2c1", "r10c1", "r1c10", "r1c2", "r1c1"]),
            ["r1c1", "r1c2", "r1c10", "r2c1", "r10c1"]
        );
    }

    #[test]
    fn sort_is_stable_and_dedup_removes_exact_duplicates() {
        let mut v: Vec<String> = ["cn10", "cn2", "cn02", "cn2", "login", "cn10"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        natural_sort_dedup(&mut v);
        assert_eq!(v, ["cn2", "cn02", "cn10", "login"]);
    }
}
