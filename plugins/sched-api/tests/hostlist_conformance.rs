//! Slurm conformance from the recorded fixture (SCHEDULING.md §7.4): no Slurm needed. The
//! fixture holds `scontrol`'s real answers for the generated cases; loggia's `expand` and
//! `compress` must satisfy R1, R2 (with the R3 strictness), R4 and R5 against them, apart from
//! the disagreements listed in `hostlist_common/rules.rs`.

mod hostlist_common;

use hostlist_common::cases::generate;
use hostlist_common::fixture::{self, Record};
use hostlist_common::rules;
use std::collections::HashSet;

/// The Slurm release the committed fixture was recorded with.
const VERSION: &str = "22.05";

fn load() -> (String, Vec<Record>) {
    let path = fixture::path(VERSION);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let records = fixture::parse(&text).unwrap();
    (text, records)
}

#[test]
fn fixture_follows_the_rules() {
    let (_, records) = load();
    let outcome = rules::check(&records);
    println!(
        "hostlist conformance (fixture {VERSION}): {}",
        outcome.summary()
    );
    assert!(
        outcome.violations.is_empty(),
        "{} violation(s):\n{}",
        outcome.violations.len(),
        outcome.violations.join("\n")
    );
    // Every rule was really exercised (exact counts would tie the test to the generator).
    for (rule, at_least) in [
        ("R1 same names", 350),
        ("R2 both reject", 70),
        ("R2 suffix extension", 80),
        ("R3 brackets in names", 30),
        ("R3 characters outside the grammar", 20),
        ("R3 whitespace in brackets", 10),
        ("R3 open-ended range", 15),
        ("R4 loggia round trip", 400),
        ("R4 Slurm reads loggia's text", 200),
        ("loggia reads Slurm's text", 200),
        ("R5 same text as hostlistsorted", 100),
        ("D1 numbers >= 2^64-1", 3),
        ("D2 piece order around names with inner digits", 5),
        ("D3 newline is not a separator", 40),
    ] {
        assert!(
            outcome.get(rule) >= at_least,
            "only {} case(s) for {rule:?}; counts: {}",
            outcome.get(rule),
            outcome.summary()
        );
    }
}

#[test]
fn fixture_covers_exactly_the_generated_cases() {
    let (_, records) = load();
    let cases = generate();
    let mut inputs = HashSet::new();
    let mut lists = HashSet::new();
    for r in &records {
        match r {
            Record::Expand { input, .. } => inputs.insert(input.clone()),
            Record::Compress { names, .. } => lists.insert(names.clone()),
        };
    }
    let expected_inputs: HashSet<String> = cases.expand.iter().cloned().collect();
    let expected_lists: HashSet<Vec<String>> = cases.compress.iter().cloned().collect();
    let missing: Vec<&String> = expected_inputs.difference(&inputs).collect();
    let extra: Vec<&String> = inputs.difference(&expected_inputs).collect();
    assert!(
        missing.is_empty() && extra.is_empty() && lists == expected_lists,
        "the fixture is stale (missing {missing:?}, extra {extra:?}); regenerate it with \
         LOGGIA_HOSTLIST_WRITE_FIXTURE=1 cargo test -p loggia-sched --test hostlist_live"
    );
}

#[test]
fn generator_is_deterministic_and_has_at_least_500_cases() {
    let a = generate();
    let b = generate();
    assert_eq!(a.expand, b.expand);
    assert_eq!(a.compress, b.compress);
    assert!(a.expand.len() + a.compress.len() >= 500);
    assert!(a.compress.len() >= 200);
}

#[test]
fn fixture_file_is_in_canonical_form() {
    let (text, records) = load();
    let version_line = text
        .lines()
        .rfind(|l| l.starts_with("# slurm"))
        .expect("a '# slurm…' version line");
    assert_eq!(fixture::render(&version_line[2..], &records), text);
}

#[test]
fn escaping_round_trips() {
    for s in ["", "a b", "a\tb\nc\rd", "back\\slash", "\\e", "ü[1-2]", " "] {
        assert_eq!(fixture::unescape(&fixture::escape(s)).unwrap(), s);
        assert!(!fixture::escape(s).contains([' ', '\t', '\n']));
    }
    assert!(fixture::unescape("a\\x").is_err());
}
