//! Property tests for hostlists and natural order (SCHEDULING.md §7.4 R4/R6, rule C7): random
//! node names with `-`/`_`/`.` in their prefixes, number widths 0–5, mixed zero-padding,
//! suffixes and duplicates must survive `compress` → `expand` in both styles, compression never
//! lengthens the list, and neither function panics on arbitrary (including non-ASCII) input.

use std::cmp::Ordering;

use loggia_sched::hostlist::{compress, expand, Style};
use loggia_sched::natural::{natural_cmp, natural_sort_dedup};
use proptest::prelude::*;
use proptest::sample::Index;

/// Round-trip cases per style (the acceptance asks for at least 2,000).
const ROUND_TRIP_CASES: u32 = 2_500;
/// Cases for the parser's never-panics properties, which are cheap.
const FUZZ_CASES: u32 = 5_000;
/// Cases for properties whose inputs are slower to generate.
const OTHER_CASES: u32 = 2_000;

/// A prefix: from a small pool (so names collide into groups) or random, with `-`, `_`, `.`
/// and sometimes digits inside (`r1c`).
fn prefix() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "cn", "a", "", "gpu_a", "n-", "x.y", "r1c", "login", "b_"
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z_.-]{1,5}",
        "[a-z]{1,3}[0-9]{1,2}[a-z_.-]{1,2}",
    ]
}

/// A number of width 0–5 (0: no number), any digits, so padding is mixed.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[0-9]{1,5}",
        "[1-9][0-9]{0,2}",
        "0{1,3}[1-9]"
    ]
}

fn suffix() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["", "", "", "-ib", "x", ".eth0", "_b2c"]).prop_map(str::to_owned)
}

fn name() -> impl Strategy<Value = String> {
    (prefix(), number(), suffix()).prop_map(|(p, n, s)| {
        let name = format!("{p}{n}{s}");
        if name.is_empty() {
            "n".to_owned()
        } else {
            name
        }
    })
}

/// Names plus duplicates of some of them, in random order.
fn names() -> impl Strategy<Value = Vec<String>> {
    (
        prop::collection::vec(name(), 0..30),
        prop::collection::vec(any::<Index>(), 0..12),
    )
        .prop_flat_map(|(mut names, dups)| {
            if !names.is_empty() {
                let extra: Vec<String> = dups.iter().map(|i| i.get(&names).clone()).collect();
                names.extend(extra);
            }
            Just(names).prop_shuffle()
        })
}

fn unique_sorted(names: &[String]) -> Vec<String> {
    let mut v = names.to_vec();
    natural_sort_dedup(&mut v);
    v
}

/// R4: the compressed text expands to exactly the distinct names, each once.
fn check_round_trip(names: &[String], style: Style) -> Result<(), TestCaseError> {
    let text = compress(names, style);
    let expanded = expand(&text)
        .map_err(|e| TestCaseError::fail(format!("compress gave an invalid hostlist: {e}")))?;
    let mut sorted = expanded.clone();
    sorted.sort_by(|a, b| natural_cmp(a, b));
    let distinct = unique_sorted(&sorted);
    prop_assert_eq!(distinct.len(), expanded.len(), "duplicates in {:?}", text);
    prop_assert_eq!(sorted, unique_sorted(names), "text {:?}", text);
    prop_assert!(
        text.len() <= names.join(",").len(),
        "{:?} is longer than the list {:?}",
        text,
        names
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(ROUND_TRIP_CASES))]

    #[test]
    fn round_trip_slurm_style(names in names()) {
        check_round_trip(&names, Style::Slurm)?;
    }

    #[test]
    fn round_trip_extended_style(names in names()) {
        check_round_trip(&names, Style::Extended)?;
    }
}

/// Characters that reach every branch of the parser.
const HOSTLIST_ALPHABET: &str = "[a-c0-9\\[\\],\\- _.!\t\n+é]{0,24}";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(FUZZ_CASES))]

    #[test]
    fn expand_never_panics_on_arbitrary_unicode(s in any::<String>()) {
        check_expand_outcome(&s)?;
    }

    #[test]
    fn expand_never_panics_on_hostlist_like_text(s in HOSTLIST_ALPHABET) {
        check_expand_outcome(&s)?;
    }

}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(OTHER_CASES))]

    #[test]
    fn compress_never_panics_and_never_lengthens(
        names in prop::collection::vec(any::<String>(), 0..12),
    ) {
        for style in [Style::Slurm, Style::Extended] {
            let text = compress(&names, style);
            prop_assert!(text.len() <= names.join(",").len());
        }
    }

    #[test]
    fn natural_order_is_a_total_order(
        a in "[a-c0-9._-]{0,6}", b in "[a-c0-9._-]{0,6}", c in "[a-c0-9._-]{0,6}",
    ) {
        prop_assert_eq!(natural_cmp(&a, &b) == Ordering::Equal, a == b);
        prop_assert_eq!(natural_cmp(&a, &b), natural_cmp(&b, &a).reverse());
        if natural_cmp(&a, &b) != Ordering::Greater && natural_cmp(&b, &c) != Ordering::Greater {
            prop_assert_ne!(natural_cmp(&a, &c), Ordering::Greater);
        }
    }
}

/// Errors point inside the input; accepted input round-trips through `compress`.
fn check_expand_outcome(s: &str) -> Result<(), TestCaseError> {
    match expand(s) {
        Err(e) => {
            prop_assert!(e.column >= 1 && e.column <= s.chars().count(), "{}", e);
            prop_assert_eq!(&e.input, s);
        }
        Ok(names) => {
            prop_assert!(names.iter().all(|n| !n.is_empty()));
            check_round_trip(&names, Style::Slurm)?;
        }
    }
    Ok(())
}
