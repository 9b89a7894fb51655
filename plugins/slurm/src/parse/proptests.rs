//! Every parser takes arbitrary text without panicking, and the oneliner parser keeps what it is
//! given when the text is well formed.

use super::*;
use crate::inventory::{gres_gpus, transform, ReservationIndex};
use loggia_sched::scheduler::RawExtra;
use proptest::prelude::*;

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
        prop_assert_eq!(rec, pairs);
    }

    #[test]
    fn durations_round_trip(d in 0u64..400, h in 0u64..24, m in 0u64..60, s in 0u64..60) {
        let text = format!("{d}-{h:02}:{m:02}:{s:02}");
        let want = ((d * 24 + h) * 60 + m) * 60 + s;
        prop_assert_eq!(parse_duration_ms(&text), Some(want * 1000));
    }
}
