//! Resolution of one test into 1,000 permutations with 20 variables (issue #3): the suite is
//! read from YAML text on disk and goes through the real request path (`resolve_requests`):
//! layering, inheritance, variable merging, permutations, `schedule:` validation, the raw
//! scheduler's variables, string resolution of every key and `only_if`/`not_if`.

use criterion::{criterion_group, criterion_main, Criterion};
use loggia::config::site;
use loggia::resolve::proto::{resolve_requests, Env, Options};
use std::hint::black_box;

/// 20 variables: three permuted ones (10 × 10 × 10 = 1,000 permutations), lists, a mapping,
/// a list of mappings, defaults, an append and references between variables.
const SUITE: &str = r#"
_base:
  variables:
    compiler?: gcc
    opt_flags: [-O2]
    mpi?: {name: openmpi, ver: "4.1"}
  run:
    env:
      BASE: base
    cmds: ['echo base']

bench:
  inherits_from: _base
  permute_on: [size, threads, variant]
  variables:
    size: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
    threads: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    variant: [a, b, c, d, e, f, g, h, i, j]
    opt_flags+: [-g, -march=native]
    mpi: {ver: "5.0"}
    targets:
      - {host: n1, port: "1"}
      - {host: n2, port: "2"}
    label: '{{compiler}}-{{size}}x{{threads}}-{{variant}}'
    total: '{{size * threads}}'
    dir: '/scratch/{{pav.user}}/{{label}}'
    v10: ten
    v11: '{{v10}}-11'
    v12: '{{v11}}-12'
    v13: [x, y, z]
    v14: '{{len(v13.*)}}'
    v15: '{{ total :>8}}'
    v16: 'n{{threads}}'
    v17: '{{mpi.name}}/{{mpi.ver}}'
    v18: '{{replace(label, "-", "_")}}'
  schedule:
    nodes: '1'
  only_if:
    '{{variant}}': ['[a-j]']
  run:
    env:
      OMP_NUM_THREADS: '{{threads}}'
      LABEL: '{{label}}'
      DIR: '{{dir}}'
    cmds+:
      - 'echo "{{label}} {{total}} {{v12}} {{v14}} {{v15}} {{v16}} {{v17}} {{v18}}"'
      - 'mpirun [~-H {{targets.host}}:{{targets.port}} ~]./app [~{{opt_flags}}~ ]'
      - 'echo "[~{{v13}}~,]"'
"#;

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("tests")).expect("tests dir");
    std::fs::write(dir.path().join("tests/bench.yaml"), SUITE).expect("suite");
    let cfg = dir.path().join("loggia.yaml");
    std::fs::write(&cfg, "working_dir: wd\n").expect("loggia.yaml");
    let site = site::load_file(&cfg).expect("site");
    let opts = Options::default();
    let env = Env::new(&site, &opts);
    let requests = vec!["bench.bench".to_string()];
    match resolve_requests(&env, &requests) {
        Ok(p) => assert_eq!(p.len(), 1000, "the suite must give 1,000 permutations"),
        Err(errs) => panic!("{}", errs.iter().map(|e| e.render()).collect::<String>()),
    }
    let mut g = c.benchmark_group("resolve");
    g.sample_size(20);
    g.bench_function("1000_permutations_20_vars", |b| {
        b.iter(|| black_box(resolve_requests(&env, black_box(&requests)).map(|p| p.len())))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
