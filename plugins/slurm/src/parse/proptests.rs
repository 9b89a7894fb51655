//! Every parser takes arbitrary text without panicking, and the oneliner parser keeps what it is
//! given when the text is well formed, agrees with a byte-by-byte model of the §2.7 rules, and
//! its key-filtering form equals the full parse restricted to the kept keys.

use super::*;
use crate::inventory::{gres_gpus, transform, ReservationIndex};
use loggia_sched::scheduler::{RawExtra, RawNode};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

proptest! {
    #[test]
    fn parsers_never_panic(s in "\\PC*") {
        let _ = oneliner_records(&s);
        let _ = parse_squeue(&s);
        let _ = parse_sacct(&s);
        let _ = parse_parsable(&s);
        let _ = parse_ids(&s);
        let _ = parse_duration_ms(&s);
        let _ = parse_timestamp(&s);
        let _ = parse_mem_bytes(&s);
        let _ = gres_gpus(&s);
    }

    #[test]
    fn slurm_shaped_text_never_panics(
        s in "([A-Za-z|:=.,()\\[\\]0-9+*~ -]{0,40}\n?){0,6}"
    ) {
        let recs = oneliner_records(&s);
        let extra = RawExtra {
            reservations: recs.clone(),
            ..RawExtra::default()
        };
        let idx = ReservationIndex::new();
        for r in &recs {
            let _ = transform(r, &extra, &idx);
        }
        let _ = parse_squeue(&s);
        let _ = parse_sacct(&s);
        for line in s.lines() {
            let _ = parse_duration_ms(line);
        }
    }

    #[test]
    fn well_formed_lines_round_trip(
        pairs in proptest::collection::btree_map(
            "[A-Z][A-Za-z0-9_]{0,8}",
            "[a-z0-9,=:]{0,6}( [a-z0-9]{1,4}){0,2}",
            1..8,
        )
    ) {
        let line: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let rec = oneliner_record(&line.join(" ")).unwrap();
        prop_assert_eq!(rec, pairs.iter().collect::<RawNode>());
    }

    #[test]
    fn filtered_parse_is_the_full_parse_restricted(
        lines in proptest::collection::vec(
            prop_oneof![
                "(( |\t)?(NodeName|State|Gres|OS|Arch|Reason|Owner|x|[A-Z][a-z]{0,3})=\
                 ([a-z0-9 ]{0,6}|\\(null\\)|N/A|n/s)){0,6}( junk)?",
                "[ -~\t\r\u{c}\u{b}é]{0,40}",
            ],
            0..12,
        ),
        crlf in any::<bool>(),
    ) {
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        check_restricted(&text)?;
    }

    #[test]
    fn long_lines_across_scanner_blocks_parse_like_the_rules(
        lines in proptest::collection::vec(
            proptest::collection::vec(
                prop_oneof![
                    "[A-Z][A-Za-z0-9_:/.]{0,70}=",
                    "[a-z0-9=,]{0,30}",
                    "[ \t\u{c}]{1,3}",
                    "[ -~é\u{b}]{0,20}",
                ],
                0..30,
            ),
            1..6,
        ),
    ) {
        // Lines of up to ~1 000 bytes: keys and values straddle the scanner's 64-byte blocks.
        let lines: Vec<String> = lines.iter().map(|l| l.concat()).collect();
        for line in &lines {
            prop_assert_eq!(oneliner_record(line), reference_record(line));
        }
        check_restricted(&lines.join("\n"))?;
    }

    #[test]
    fn scanner_matches_the_byte_by_byte_rules(
        line in "[A-Ca-b0=:/._ \t\r\u{c}\u{b}\u{1}\u{a0}é(null)N/As]{0,80}"
    ) {
        prop_assert_eq!(oneliner_record(&line), reference_record(&line));
    }

    #[test]
    fn durations_round_trip(d in 0u64..400, h in 0u64..24, m in 0u64..60, s in 0u64..60) {
        let text = format!("{d}-{h:02}:{m:02}:{s:02}");
        let want = ((d * 24 + h) * 60 + m) * 60 + s;
        prop_assert_eq!(parse_duration_ms(&text), Some(want * 1000));
    }
}

/// The filtered parse gives the same records in the same order, each the full record restricted
/// to the kept keys.
fn check_restricted(text: &str) -> Result<(), TestCaseError> {
    let keep = |k: &str| matches!(k, "NodeName" | "State" | "Gres" | "Reason" | "Ab");
    let full = oneliner_records(text);
    let restricted: Vec<RawNode> = full
        .iter()
        .map(|r| r.iter().filter(|(k, _)| keep(k)).collect())
        .collect();
    prop_assert_eq!(oneliner_records_keeping(text, &keep), restricted);
    let want: Vec<RawNode> = text.lines().filter_map(reference_record).collect();
    prop_assert_eq!(full, want);
    Ok(())
}

/// §2.7 read literally, one byte at a time: a key starts at the line start or after
/// whitespace with an upper-case letter, runs over `[A-Za-z0-9_:/.]` and ends at `=`; its
/// value runs to the next key, trailing whitespace trimmed; placeholders are absent and the
/// first value of a repeated key wins. The model the fast scanner must agree with.
fn reference_record(line: &str) -> Option<RawNode> {
    let b = line.as_bytes();
    let mut keys: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts_word = i == 0 || b[i - 1].is_ascii_whitespace();
        if starts_word && b[i].is_ascii_uppercase() {
            let mut j = i + 1;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b"_:/.".contains(&b[j])) {
                j += 1;
            }
            if j < b.len() && b[j] == b'=' {
                keys.push((i, j));
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    if keys.is_empty() {
        return None;
    }
    let mut rec = RawNode::new();
    for (n, &(start, eq)) in keys.iter().enumerate() {
        let end = keys.get(n + 1).map_or(b.len(), |k| k.0);
        let value = line[eq + 1..end].trim_end();
        if !["(null)", "N/A", "n/a", "n/s"].contains(&value) {
            rec.push_first(&line[start..eq], value);
        }
    }
    Some(rec)
}
