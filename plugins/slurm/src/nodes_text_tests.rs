use super::*;
use crate::inventory::inventory_records;
use crate::parse::PARALLEL_MIN_BYTES;
use crate::test_util::fixture;
use crate::SLURM;
use loggia_sched::advanced::transform_all;
use proptest::prelude::*;

/// The two-step path of the contract: records, then `transform` of each.
fn two_step(nodes: &str, res: &str, parts: &str) -> Result<(Vec<NodeInfo>, RawExtra), String> {
    let (raw, extra) = inventory_records(nodes, res, parts);
    let inv = transform_all(&SLURM, &raw, &extra)?;
    Ok((inv.nodes().to_vec(), extra))
}

/// Both paths agree: the same nodes (the fused path in text order, compared after the natural
/// sort the inventory applies), the same extra records, or the same error.
fn check_same(nodes: &str, res: &str, parts: &str) -> Result<(), TestCaseError> {
    let fused = nodes_from_text(nodes, res, parts).map_err(|e| e.detail());
    match (fused, two_step(nodes, res, parts)) {
        (Ok((got, got_extra)), Ok((want, want_extra))) => {
            let sorted = match loggia_sched::advanced::Inventory::new(got) {
                Ok(inv) => inv.nodes().to_vec(),
                Err(e) => return Err(TestCaseError::fail(format!("fused only: {e}"))),
            };
            prop_assert_eq!(sorted, want);
            prop_assert_eq!(got_extra, want_extra);
        }
        // Duplicate names fail only when the inventory is built; the fused path leaves that
        // to `Inventory::new` as well.
        (Ok((got, _)), Err(e)) if e.starts_with("duplicate node name") => {
            prop_assert_eq!(loggia_sched::advanced::Inventory::new(got).unwrap_err(), e);
        }
        (got, want) => prop_assert_eq!(got.map(|_| ()), want.map(|_| ())),
    }
    Ok(())
}

#[test]
fn recorded_outputs_give_the_two_step_result() {
    let parts = fixture("show-partition.out");
    for nodes in [
        "show-node-idle.out",
        "show-node-down.out",
        "show-node-drained.out",
        "show-node-draining.out",
        "show-node-mixed-allocated.out",
        "show-node-node08.out",
        "show-node-reservation.out",
        "show-node-after-resume.out",
    ] {
        for res in [
            "show-reservation-none.out",
            "show-reservation-two.out",
            "show-reservation-maint.out",
        ] {
            check_same(&fixture(nodes), &fixture(res), &parts)
                .unwrap_or_else(|e| panic!("{nodes} with {res}: {e}"));
        }
    }
    let (nodes, _) = nodes_from_text(
        &fixture("show-node-reservation.out"),
        &fixture("show-reservation-maint.out"),
        &parts,
    )
    .unwrap();
    assert_eq!(nodes.len(), 8);
    let held: Vec<&str> = nodes
        .iter()
        .filter(|n| n.reservations.as_ref().is_some_and(|r| !r.is_empty()))
        .map(|n| n.name.as_str())
        .collect();
    assert_eq!(held, ["node05", "node06"]);
}

/// A text of over two parallel parts whose record `bad` (0-based) has no `NodeName`.
fn large_text(bad: Option<usize>) -> (String, usize) {
    let line = fixture("show-node-node08.out");
    let line = line.lines().next().unwrap().to_string();
    let count = 3 * PARALLEL_MIN_BYTES / line.len();
    let mut text = String::new();
    for i in 0..count {
        if Some(i) == bad {
            text.push_str("State=IDLE CPUTot=4\n");
        } else {
            text.push_str(&line.replace("node08", &format!("cn{i}")));
            // Lines without a key are not records and do not count.
            text.push_str("\n\n  \n");
        }
    }
    (text, count)
}

#[test]
fn large_texts_are_parsed_in_parts_with_records_numbered_across_them() {
    let parts = fixture("show-partition.out");
    let res = fixture("show-reservation-two.out");
    let (text, count) = large_text(None);
    check_same(&text, &res, &parts).unwrap();
    let (nodes, _) = nodes_from_text(&text, &res, &parts).unwrap();
    assert_eq!(nodes.len(), count);
    assert_eq!(nodes[count - 1].name, format!("cn{}", count - 1));
    for bad in [0, count / 2 + 7, count - 1] {
        let (text, _) = large_text(Some(bad));
        let e = nodes_from_text(&text, &res, &parts).unwrap_err();
        assert_eq!(
            e.detail(),
            format!(
                "node record {} of the inventory: Slurm node record has no NodeName",
                bad + 1
            )
        );
        check_same(&text, &res, &parts).unwrap();
    }
}

proptest! {
    #[test]
    fn arbitrary_lines_give_the_two_step_result(
        lines in proptest::collection::vec(
            prop_oneof![
                "((NodeName|State|Gres|CPUTot|RealMemory|AllocMem|Partitions|ActiveFeatures|\
                   Features|Arch|Reason|OS|Owner|[A-Z][a-z]{0,3})=\
                  ([a-z0-9 ,:+*()]{0,8}|\\(null\\)|N/A|IDLE\\+DRAIN|MIXED|DOWN\\*|gpu:[0-9]) ){0,8}",
                "NodeName=n[0-9]{1,2} State=(IDLE|ALLOCATED|MIXED\\+DRAIN|DOWN\\*)( Reason=[a-z ]{0,6})?",
                "[ -~\t\u{c}é]{0,30}",
            ],
            0..10,
        ),
    ) {
        check_same(&lines.join("\n"), "", "PartitionName=a Default=YES Nodes=n[0-9]")?;
    }
}
