//! The `scontrol --oneliner show node|reservation|partition` record parser (SCHEDULING.md
//! §2.7).
//!
//! A key starts at the beginning of a line or after whitespace, matches `[A-Z][A-Za-z0-9_:/.]*`
//! and is immediately followed by `=`. Its value runs to the whitespace before the next key, with
//! trailing whitespace trimmed, so values keep their inner spaces (`OS=Linux 6.1 #1 SMP …`,
//! `Reason=bad disk [root@…]`) and lowercase `k=v` inside a value never starts a key. The
//! placeholders `(null)`, `N/A`, `n/a` and `n/s` mean "absent": such keys are left out.
//!
//! Keys are found by [`scan_text`]; records keep every key ([`oneliner_records`], for
//! reservations and partitions) or only the keys a caller keeps ([`oneliner_records_keeping`],
//! for nodes), so that nothing is allocated for the ~30 node keys nobody reads. Large texts are
//! parsed in parallel, in a few parts per core split at line boundaries.

use super::scan::{scan_text, Event};
use loggia_sched::advanced::par_each;
use loggia_sched::scheduler::RawNode;

/// Values Slurm prints for "no value".
const ABSENT: [&str; 4] = ["(null)", "N/A", "n/a", "n/s"];

/// The least bytes worth a thread: ~750 node lines of ~700 bytes, so on two cores a text is
/// split from ~1 500 lines on; starting a thread costs about as much as parsing a few dozen.
pub(crate) const PARALLEL_MIN_BYTES: usize = 1 << 19;

/// Parts per core of a large text: each part is one task of the thread pool, and with several
/// per core, a core slowed by its (shared) host leaves the parts it has not started to the
/// others instead of holding up the whole parse.
const PARTS_PER_CORE: usize = 4;

/// Every line with at least one key becomes one record; other lines (blank lines,
/// `No reservations in the system`) are skipped. When a key repeats on a line the first
/// value wins.
pub fn oneliner_records(text: &str) -> Vec<RawNode> {
    records(text, &|_: &str| true)
}

/// [`oneliner_records`] keeping only the keys for which `keep` is true: the same records in
/// the same order (a line whose keys are all dropped still gives an empty record), each equal
/// to the full record restricted to the kept keys.
pub fn oneliner_records_keeping(text: &str, keep: &(impl Fn(&str) -> bool + Sync)) -> Vec<RawNode> {
    records(text, keep)
}

/// The record of one line, or `None` when the line has no key. A newline in `line` ends the
/// value before it, and the keys of all its lines make one record.
pub fn oneliner_record(line: &str) -> Option<RawNode> {
    let mut fields = Vec::new();
    let mut any = false;
    scan_text(line, |e| {
        if let Event::Key(key, value) = e {
            any = true;
            push_field(&mut fields, &|_: &str| true, key, value);
        }
    });
    any.then(|| RawNode::from_distinct(&fields))
}

/// `key = value` onto a line's fields when kept, not a placeholder and not yet present (the
/// first value wins).
fn push_field<'a>(
    fields: &mut Vec<(&'a str, &'a str)>,
    keep: &impl Fn(&str) -> bool,
    key: &'a str,
    value: &'a str,
) {
    if !keep(key) || fields.iter().any(|(k, _)| *k == key) {
        return;
    }
    if let Some(value) = present(value) {
        fields.push((key, value));
    }
}

fn records(text: &str, keep: &(impl Fn(&str) -> bool + Sync)) -> Vec<RawNode> {
    let parts = split_lines(text, PARALLEL_MIN_BYTES);
    let parsed = par_each(&parts, |part| {
        // The line's fields live here until the record is allocated at its exact size (one
        // buffer for the text, one for the field ends).
        let mut fields = Vec::new();
        let mut out = Vec::new();
        scan_text(part, |e| match e {
            Event::Key(key, value) => push_field(&mut fields, keep, key, value),
            Event::LineEnd(had_key) => {
                if had_key {
                    out.push(RawNode::from_distinct(&fields));
                }
                fields.clear();
            }
        });
        out
    });
    let mut out = Vec::with_capacity(parsed.iter().map(Vec::len).sum());
    for part in parsed {
        out.extend(part);
    }
    out
}

/// `text` cut into [`PARTS_PER_CORE`] parts per core when each core gets at least `min_bytes`
/// (else one part), each cut just after a `\n`, so that the parts' lines are exactly the text's
/// lines.
pub(crate) fn split_lines(text: &str, min_bytes: usize) -> Vec<&str> {
    let n = match loggia_sched::advanced::parts_for(text.len(), min_bytes) {
        1 => 1,
        cores => cores * PARTS_PER_CORE,
    };
    let mut parts = Vec::with_capacity(n);
    let mut rest = text;
    for k in (1..n).rev() {
        let target = rest.len() / (k + 1);
        let Some(nl) = memchr::memchr(b'\n', &rest.as_bytes()[target..]) else {
            break;
        };
        let (head, tail) = rest.split_at(target + nl + 1);
        parts.push(head);
        rest = tail;
    }
    parts.push(rest);
    parts
}

/// A kept key's value as a record holds it: trailing Unicode white space trimmed (the
/// scanner trims only ASCII, and only kept values need more), `None` for a placeholder
/// ([`ABSENT`]; the length decides first).
pub(crate) fn present(value: &str) -> Option<&str> {
    // Only a value ending in white space needs the (Unicode-aware, slower) trim.
    let value = match value.chars().next_back() {
        Some(c) if c.is_whitespace() => value.trim_end(),
        _ => value,
    };
    let absent = matches!(value.len(), 3 | 6) && ABSENT.contains(&value);
    (!absent).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDLE: &str = include_str!("../../testdata/slurm-22.05/show-node-idle.out");
    const DRAINING: &str = include_str!("../../testdata/slurm-22.05/show-node-draining.out");
    const NODE08: &str = include_str!("../../testdata/slurm-22.05/show-node-node08.out");
    const RES_NONE: &str = include_str!("../../testdata/slurm-22.05/show-reservation-none.out");
    const RES_TWO: &str = include_str!("../../testdata/slurm-22.05/show-reservation-two.out");
    const PARTS: &str = include_str!("../../testdata/slurm-22.05/show-partition.out");

    fn get<'a>(r: &'a RawNode, k: &str) -> Option<&'a str> {
        r.get(k)
    }

    #[test]
    fn node_lines_of_the_idle_capture() {
        let recs = oneliner_records(IDLE);
        assert_eq!(recs.len(), 8);
        let names: Vec<&str> = recs.iter().filter_map(|r| get(r, "NodeName")).collect();
        assert_eq!(
            names,
            ["node01", "node02", "node03", "node04", "node05", "node06", "node07", "node08"]
        );
        let n1 = &recs[0];
        assert_eq!(
            get(n1, "OS"),
            Some("Linux 6.18.44-fc-v657 #1 SMP PREEMPT_DYNAMIC @0")
        );
        assert_eq!(get(n1, "CoresPerSocket"), Some("4"));
        assert_eq!(get(n1, "Partitions"), Some("debug,batch"));
        assert_eq!(get(n1, "CfgTRES"), Some("cpu=4,mem=4000M,billing=4"));
        assert_eq!(get(n1, "AllocTRES"), Some(""));
        assert_eq!(get(n1, "State"), Some("IDLE"));
        assert_eq!(get(n1, "RealMemory"), Some("4000"));
        for absent in [
            "Gres",
            "Owner",
            "MCS_label",
            "CapWatts",
            "ExtSensorsJoules",
            "Reason",
        ] {
            assert_eq!(get(n1, absent), None, "{absent}");
        }
        assert_eq!(get(n1, "ExtSensorsTemp"), None);
        assert_eq!(get(n1, "ExtSensorsWatts"), Some("0"));
        // 38 keys on the line, 6 of them placeholders.
        assert_eq!(n1.len(), 32);
    }

    #[test]
    fn reasons_keep_spaces_and_come_last() {
        let recs = oneliner_records(DRAINING);
        let reasons: Vec<(&str, &str)> = recs
            .iter()
            .filter_map(|r| Some((get(r, "NodeName")?, get(r, "Reason")?)))
            .collect();
        assert_eq!(
            reasons,
            [
                ("node03", "bad disk [root@2026-11-21T23:47:23]"),
                ("node04", "node04 is dead [root@2026-11-21T23:47:23]"),
                (
                    "node07",
                    "draining for maintenance [root@2026-11-21T23:47:45]"
                ),
            ]
        );
    }

    #[test]
    fn gres_and_features() {
        let recs = oneliner_records(NODE08);
        assert_eq!(recs.len(), 1);
        assert_eq!(get(&recs[0], "Gres"), Some("gpu:2"));
        assert_eq!(get(&recs[0], "ActiveFeatures"), Some("bigmem,gpu"));
        assert_eq!(
            get(&recs[0], "CfgTRES"),
            Some("cpu=4,mem=8000M,billing=4,gres/gpu=2")
        );
    }

    #[test]
    fn reservations_and_partitions() {
        assert!(oneliner_records(RES_NONE).is_empty());
        let res = oneliner_records(RES_TWO);
        assert_eq!(res.len(), 2);
        assert_eq!(get(&res[0], "ReservationName"), Some("maint"));
        assert_eq!(get(&res[0], "Nodes"), Some("node[05-06]"));
        assert_eq!(get(&res[0], "Flags"), Some("MAINT,IGNORE_JOBS,SPEC_NODES"));
        assert_eq!(get(&res[0], "PartitionName"), None);
        assert_eq!(get(&res[1], "ReservationName"), Some("future"));
        assert_eq!(get(&res[1], "PartitionName"), Some("debug"));
        assert_eq!(get(&res[1], "State"), Some("INACTIVE"));
        let parts = oneliner_records(PARTS);
        let defaults: Vec<(&str, &str)> = parts
            .iter()
            .filter_map(|r| Some((get(r, "PartitionName")?, get(r, "Default")?)))
            .collect();
        assert_eq!(defaults, [("debug", "NO"), ("batch", "YES")]);
        assert_eq!(get(&parts[1], "Nodes"), Some("node[01-08]"));
        assert_eq!(get(&parts[1], "QoS"), None);
    }

    #[test]
    fn key_rules() {
        let r = oneliner_record("A=1 lower=x B.c/d:e_f=two words  C= D=(null)").unwrap();
        assert_eq!(get(&r, "A"), Some("1 lower=x"));
        assert_eq!(get(&r, "B.c/d:e_f"), Some("two words"));
        assert_eq!(get(&r, "C"), Some(""));
        assert_eq!(get(&r, "D"), None);
        assert_eq!(r.len(), 3);
        let r = oneliner_record("junk X=1 X=2 Y=a=b").unwrap();
        assert_eq!(get(&r, "X"), Some("1"));
        assert_eq!(get(&r, "Y"), Some("a=b"));
        assert_eq!(oneliner_record("no keys here"), None);
        assert_eq!(oneliner_record(""), None);
        assert_eq!(oneliner_record("=x Z"), None);
        let r = oneliner_record("K=v\tL=w\r").unwrap();
        assert_eq!(get(&r, "K"), Some("v"));
        assert_eq!(get(&r, "L"), Some("w"));
        let r = oneliner_record("E=(null) E=2 A/b=x=y Z==1 é Q=a\u{c}R.1=\u{b}").unwrap();
        assert_eq!(get(&r, "E"), Some("2"));
        assert_eq!(get(&r, "A/b"), Some("x=y"));
        assert_eq!(get(&r, "Z"), Some("=1 é"));
        assert_eq!(get(&r, "Q"), Some("a"));
        assert_eq!(get(&r, "R.1"), Some(""));
        assert_eq!(r.len(), 5);
    }

    #[test]
    fn keeping_drops_keys_but_not_records() {
        let keep = |k: &str| k == "NodeName" || k == "Reason";
        let recs = oneliner_records_keeping(DRAINING, &keep);
        let full = oneliner_records(DRAINING);
        assert_eq!(recs.len(), full.len());
        assert_eq!(recs[0].len(), 1);
        assert_eq!(get(&recs[0], "NodeName"), Some("node01"));
        assert_eq!(
            get(&recs[2], "Reason"),
            Some("bad disk [root@2026-11-21T23:47:23]")
        );
        // A line whose keys are all dropped still counts as a record.
        let recs = oneliner_records_keeping("A=1\nno keys\nNodeName=n1 B=2", &keep);
        assert_eq!(recs.len(), 2);
        assert!(recs[0].is_empty());
        assert_eq!(get(&recs[1], "NodeName"), Some("n1"));
    }

    #[test]
    fn split_lines_cuts_after_newlines() {
        let text = "A=1\nB=2\r\nC=3\n\nD=4";
        for min in [1, 3, 5, 100] {
            let parts = split_lines(text, min);
            assert_eq!(parts.concat(), text, "min {min}");
            for p in &parts[..parts.len() - 1] {
                assert!(p.ends_with('\n'), "{p:?}");
            }
            let lines: Vec<&str> = parts.iter().flat_map(|p| p.lines()).collect();
            assert_eq!(lines, text.lines().collect::<Vec<_>>());
        }
        assert_eq!(split_lines("", 1), [""]);
        assert_eq!(
            split_lines("no newline at all", 1).concat(),
            "no newline at all"
        );
    }

    #[test]
    fn large_texts_parse_like_line_by_line() {
        // Over two parallel parts' worth, with the cut likely inside a \r\n-terminated line.
        let line = "NodeName=cn1 State=IDLE+DRAIN Reason=x y  OS=Linux 6 #1\r\n";
        let text: String = (0..3 * PARALLEL_MIN_BYTES / line.len())
            .map(|i| line.replace("cn1", &format!("cn{i}")))
            .collect();
        let want: Vec<RawNode> = text.lines().filter_map(oneliner_record).collect();
        let got = oneliner_records(&text);
        assert_eq!(got.len(), want.len());
        assert!(got == want);
        assert_eq!(get(&got[7], "NodeName"), Some("cn7"));
        assert_eq!(get(&got[7], "Reason"), Some("x y"));
        assert_eq!(get(&got[7], "OS"), Some("Linux 6 #1"));
    }
}
