use loggia_sched::advanced::*;
use loggia_sched::schedule::*;
use loggia_sched::NodeInfo;
use std::time::{Duration, Instant};

fn best<T>(mut f: impl FnMut() -> T) -> Duration {
    let mut b = Duration::MAX;
    for _ in 0..std::env::var("REPS")
        .map(|v| v.parse().unwrap())
        .unwrap_or(7)
    {
        let t = Instant::now();
        let x = f();
        b = b.min(t.elapsed());
        drop(x);
    }
    b
}

fn main() {
    let n = 100_000u32;
    let nodes: Vec<NodeInfo> = (0..n)
        .map(|i| {
            let j = (i as u64 * 7919) % n as u64;
            NodeInfo {
                cpus: Some(36),
                mem: Some(1 << 36),
                mem_free: Some(1 << 35),
                states: vec!["IDLE".into()],
                partitions: Some(vec!["batch".into()]),
                ..NodeInfo::named(format!("r{}c{}n{}", j / 1000, (j / 10) % 100, j % 10))
            }
        })
        .collect();
    println!(
        "inventory (unsorted) {:?}",
        best(|| Inventory::new(nodes.clone()).unwrap())
    );
    let inv = Inventory::new(nodes.clone()).unwrap();
    let sorted = inv.nodes().to_vec();
    println!(
        "inventory (sorted) {:?}",
        best(|| Inventory::new(sorted.clone()).unwrap())
    );
    println!("clone only {:?}", best(|| sorted.clone()));
    let mut cfg = ScheduleConfig {
        partition: Some("batch".into()),
        exclude_nodes: vec!["r1c1n1".into()],
        ..Default::default()
    };
    cfg.chunking.size = Some(NodeCount::Count(64));
    println!(
        "filter {:?}",
        best(|| filter_nodes(&inv, &cfg, &DefaultHooks))
    );
    let f = filter_nodes(&inv, &cfg, &DefaultHooks);
    for sel in [
        NodeSelection::Contiguous,
        NodeSelection::Random,
        NodeSelection::Distributed,
        NodeSelection::RandDist,
    ] {
        cfg.chunking.node_selection = sel;
        let d = best(|| {
            let mut c = ChunkCache::new(42);
            c.chunks(&inv, &f.kept, &cfg)
        });
        let mut c = ChunkCache::new(42);
        let set = c.chunks(&inv, &f.kept, &cfg);
        let dv = best(|| {
            initial_advanced(
                &cfg,
                PluginFacts {
                    concurrent_default: 1,
                    test_cmd_deferred: true,
                },
                &inv,
                &f.kept,
                0,
                &set,
                vec![],
            )
        });
        let input = AdvancedInput {
            plugin: "slurm",
            facts: PluginFacts {
                concurrent_default: 1,
                test_cmd_deferred: true,
            },
            inv: &inv,
            cfg: &cfg,
            hooks: &DefaultHooks,
            chunk: None,
            known_partitions: None,
            plugin_errors: &[],
        };
        let all = best(|| {
            let mut c = ChunkCache::new(42);
            resolve_advanced(&input, &mut c)
        });
        println!("{sel:?}: chunk {d:?}, vars {dv:?}, whole resolve {all:?}");
    }
}
