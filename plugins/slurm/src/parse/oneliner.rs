//! The `scontrol --oneliner show node|reservation|partition` line parser (SCHEDULING.md §2.7).
//!
//! A key starts at the beginning of a line or after whitespace, matches `[A-Z][A-Za-z0-9_:/.]*`
//! and is immediately followed by `=`. Its value runs to the whitespace before the next key, with
//! trailing whitespace trimmed, so values keep their inner spaces (`OS=Linux 6.1 #1 SMP …`,
//! `Reason=bad disk [root@…]`) and lowercase `k=v` inside a value never starts a key. The
//! placeholders `(null)`, `N/A`, `n/a` and `n/s` mean "absent": such keys are left out.
//!
//! The scan is one pass over the bytes of each line with no regex, since a 100 000-node
//! inventory is parsed on every invocation.

use loggia_sched::scheduler::RawNode;

/// Values Slurm prints for "no value".
const ABSENT: [&str; 4] = ["(null)", "N/A", "n/a", "n/s"];

/// Every line with at least one key becomes one record; other lines (blank lines,
/// `No reservations in the system`) are skipped. When a key repeats on a line the first
/// value wins.
pub fn oneliner_records(text: &str) -> Vec<RawNode> {
    text.lines().filter_map(oneliner_record).collect()
}

/// One line → one record, or `None` when the line has no key.
pub fn oneliner_record(line: &str) -> Option<RawNode> {
    let mut rec = RawNode::new();
    let mut current: Option<(&str, usize)> = None;
    let mut any = false;
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let at_start = i == 0 || bytes[i - 1].is_ascii_whitespace();
        if at_start && bytes[i].is_ascii_uppercase() {
            if let Some(eq) = key_end(bytes, i) {
                if let Some((key, vstart)) = current.take() {
                    insert(&mut rec, key, &line[vstart..i]);
                }
                current = Some((&line[i..eq], eq + 1));
                any = true;
                i = eq + 1;
                continue;
            }
        }
        i += 1;
    }
    if let Some((key, vstart)) = current {
        insert(&mut rec, key, &line[vstart..]);
    }
    any.then_some(rec)
}

/// The position of the `=` ending a key that starts at `start`, if the text there is a key.
fn key_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut j = start + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'=' => return Some(j),
            b if b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'/' | b'.') => j += 1,
            _ => return None,
        }
    }
    None
}

fn insert(rec: &mut RawNode, key: &str, value: &str) {
    let value = value.trim_end();
    if ABSENT.contains(&value) || rec.contains_key(key) {
        return;
    }
    rec.insert(key.to_string(), value.to_string());
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
        r.get(k).map(String::as_str)
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
    }
}
