use loggia_sched::hostlist::{compress, expand, Style};
use std::time::Instant;
#[test]
fn perf() {
    let mut names: Vec<String> = (0..100_000)
        .map(|i| format!("cn{:05}", (i * 7919) % 100_000))
        .collect();
    names.extend((0..2000).map(|i| format!("gpu{}", i * 3)));
    let t = Instant::now();
    let c = compress(&names, Style::Slurm);
    let t1 = t.elapsed();
    let t = Instant::now();
    let e = expand(&c).unwrap();
    let t2 = t.elapsed();
    let joined = names.join(",");
    let t = Instant::now();
    let e2 = expand(&joined).unwrap();
    let t3 = t.elapsed();
    let mut sorted = names.clone();
    sorted.sort();
    let t = Instant::now();
    let c2 = compress(&sorted, Style::Extended);
    let t4 = t.elapsed();
    println!("compress {t1:?} ({} chars), expand {t2:?} ({}), expand list {t3:?} ({}), compress ext {t4:?} {}", c.len(), e.len(), e2.len(), c2.len());
}
