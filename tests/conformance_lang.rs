//! Conformance of the config language (CONFIG.md §2, §5–§9) through the real binary: the
//! suites in `test_suites/tests/conf_*.yaml` run on the `raw` scheduler, each test echoes
//! resolved values into its run log, and these tests compare the logs line by line. Error
//! cases check the message, the key path and the `file:line:col` of the offending value.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

/// A site whose only config dir is the repository's `test_suites/`, with a throwaway working dir.
struct Site {
    dir: tempfile::TempDir,
}

fn suites_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test_suites")
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("loggia.yaml"),
            format!(
                "config_dirs: ['{}']\nworking_dir: wd\nscheduling:\n  status:\n    min_interval: 1\n    completion_grace: 1\n",
                suites_dir().display()
            ),
        )
        .unwrap();
        Site { dir }
    }

    fn loggia(&self, args: &[&str]) -> Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_loggia"))
            .args(args)
            .current_dir(self.dir.path())
            .env("LOGGIA_CONFIG_FILE", self.dir.path().join("loggia.yaml"))
            .env_remove("LOGGIA_CONFIG_DIR")
            .output()
            .unwrap()
    }

    /// `loggia run -w <args>`, which must pass; returns test name → run log.
    fn run_logs(&self, args: &[&str]) -> BTreeMap<String, String> {
        let mut full = vec!["run", "-w"];
        full.extend_from_slice(args);
        let out = self.loggia(&full);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        self.logs()
    }

    /// Test name → run log of every test run in the working dir.
    fn logs(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let runs = self.dir.path().join("wd").join("test_runs");
        for e in std::fs::read_dir(runs).unwrap().flatten() {
            let Ok(res) = std::fs::read(e.path().join("results.json")) else {
                continue;
            };
            let res: serde_json::Value = serde_json::from_slice(&res).unwrap();
            let name = res["name"].as_str().unwrap().to_string();
            assert_eq!(res["result"], "PASS", "{name}: {res}");
            let log = std::fs::read_to_string(e.path().join("run.log")).unwrap();
            let prev = out.insert(name.clone(), log);
            assert!(prev.is_none(), "{name} ran twice");
        }
        out
    }

    /// A `loggia` command that must fail with a config error; returns its stderr.
    fn config_error(&self, args: &[&str]) -> String {
        let out = self.loggia(args);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    fn stdout(&self, args: &[&str]) -> String {
        let out = self.loggia(args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

fn text(o: &Output) -> String {
    format!(
        "status: {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn expect_logs(got: &BTreeMap<String, String>, want: &[(&str, &str)]) {
    let names: Vec<&str> = got.keys().map(String::as_str).collect();
    let mut want_names: Vec<&str> = want.iter().map(|(n, _)| *n).collect();
    want_names.sort_unstable();
    assert_eq!(names, want_names);
    for (name, log) in want {
        assert_eq!(got[*name].trim_end(), log.trim_end(), "run log of {name}");
    }
}

/// `<file>:<line>:<col>` of a suite file, as errors print it.
fn at(rel: &str, line: u32, col: u32) -> String {
    format!("{}:{line}:{col}", suites_dir().join(rel).display())
}

fn host_name() -> String {
    let h = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    h.trim().split('.').next().unwrap().to_string()
}

#[test]
fn variable_forms_defaults_appends_and_references() {
    let site = Site::new();
    let logs = site.run_logs(&["conf_vars"]);
    expect_logs(
        &logs,
        &[
            (
                "conf_vars.forms",
                "compiler=gcc\n\
                 sizes=64 256 256 64 2 3 384\n\
                 all=64,128,256\n\
                 mpi=openmpi/5.0 5.0\n\
                 targets=a:1 b:2 b 2\n\
                 flags=-O2 -g -Wall\n\
                 ref=gcc-128 nested=xgcc-128x\n\
                 needed=given octal=010 truth=True",
            ),
            (
                "conf_vars.override_default",
                "compiler=clang needed=n1 n2\nmpi=mpich-4.1,openmpi-3",
            ),
            ("conf_vars.append_to_default", "compiler=gcc,icc first=gcc"),
            ("conf_vars.deferred", "same=True\nplain=ok"),
        ],
    );
}

#[test]
fn variable_errors_name_the_test_key_and_place() {
    let site = Site::new();
    let e = site.config_error(&["run", "conf_vars._missing_required"]);
    assert!(e.contains("variable 'needed' was defined but wasn't given a value in 'conf_vars._missing_required.variables.needed'"), "{e}");
    assert!(e.contains(&at("tests/conf_vars.yaml", 11, 5)), "{e}");

    let e = site.config_error(&["run", "conf_vars._var_loop"]);
    assert!(e.contains("reference loop in variables: var.a → var.b → var.c → var.a in 'conf_vars._var_loop.run.cmds.0'"), "{e}");

    let e = site.config_error(&["run", "conf_vars._deferred_in_build"]);
    assert!(e.contains("deferred variable 'h' cannot be used in 'build' in 'conf_vars._deferred_in_build.build.cmds.0'"), "{e}");

    let e = site.config_error(&["run", "conf_vars._mixed_items"]);
    assert!(e.contains("items of mixed shape: item 1 has sub-keys [b], item 0 has sub-keys [a] in 'conf_vars._mixed_items.variables.t.1'"), "{e}");
    assert!(e.contains(&at("tests/conf_vars.yaml", 100, 9)), "{e}");
    // Nothing was created for any of them.
    assert!(!site.dir.path().join("wd/test_runs/1").exists());
}

#[test]
fn inheritance_chains_extend_and_wrap_commands() {
    let site = Site::new();
    let logs = site.run_logs(&["conf_inherit"]);
    expect_logs(
        &logs,
        &[
            ("conf_inherit.grandparent", "gp cmd level=grandparent"),
            (
                "conf_inherit.parent",
                "parent prepend\ngp cmd level=parent\nparent append",
            ),
            (
                "conf_inherit.child",
                "child prepend\nparent prepend\ngp cmd level=child\nparent append\nchild extra\n\
                 env=a-gp,b-parent,c-child only_gp=gp",
            ),
            ("conf_inherit.replaced", "replaced level=child"),
        ],
    );
}

#[test]
fn inheritance_cycles_and_unknown_parents_are_named() {
    let site = Site::new();
    let e = site.config_error(&["run", "conf_err_cycle"]);
    assert!(
        e.contains("inheritance cycle: a → c → b → a in 'conf_err_cycle.a'"),
        "{e}"
    );
    let e = site.config_error(&["run", "conf_err_parent"]);
    assert!(e.contains("test 'child' inherits from unknown test 'base_tset' in 'conf_err_parent.child.inherits_from' (did you mean 'base_test'?)"), "{e}");
    assert!(e.contains(&at("tests/conf_err_parent.yaml", 8, 18)), "{e}");
}

#[test]
fn expressions_functions_formats_iterations_and_escapes() {
    let site = Site::new();
    let logs = site.run_logs(&["conf_expr"]);
    expect_logs(
        &logs,
        &[
            (
                "conf_expr.functions",
                "int=255 31 -5\n\
                 round=2 4 3.14\n\
                 floor=-3 ceil=3\n\
                 log=3.0 sqrt=4.0\n\
                 sum=6 3.5 min=1 max=3 avg=2.5\n\
                 len=5 3 1 4\n\
                 all=False any=True random=True\n\
                 range=9 3\n\
                 re=42 ab []\n\
                 replace=a+b+c\n\
                 keys=b high=d low=3\n\
                 outliers=d 1.732",
            ),
            (
                "conf_expr.operators",
                "math=3 -4 2 2.5 1024 4 15\ncmp=True True True True\nlogic=True False\ncat=ab7 empty=[]",
            ),
            (
                "conf_expr.formats",
                "f=[1.414] [    7] [1,234,567] [ff] [25.000000%]\n\
                 g=[00042] [**ab**] [12_345.7] [+3] [0.333] [0o377] [1.500000e+03]",
            ),
            (
                "conf_expr.iterations",
                "ab=1x,1y,2x,2y\nsrun -w n1 -w n2 ./a\nsub=p=1;q=2 sep=1]2",
            ),
            ("conf_expr.escapes", "esc={{x}} [~a~] ~ \\2\nlit=~/x }} a~b"),
            ("conf_expr.list_context", "one\ntwo\nthree"),
        ],
    );
}

#[test]
fn permutations_and_subtitles() {
    let site = Site::new();
    let logs = site.run_logs(&["conf_permute"]);
    expect_logs(
        &logs,
        &[
            (
                "conf_permute.two_vars.gcc-1",
                "label=gcc@1 items=1 other=p,q",
            ),
            (
                "conf_permute.two_vars.gcc-2",
                "label=gcc@2 items=1 other=p,q",
            ),
            (
                "conf_permute.two_vars.clang-1",
                "label=clang@1 items=1 other=p,q",
            ),
            (
                "conf_permute.two_vars.clang-2",
                "label=clang@2 items=1 other=p,q",
            ),
            ("conf_permute.mapping.ompi-4", "mpi=ompi/4"),
            ("conf_permute.mapping.mpich-3", "mpi=mpich/3"),
            ("conf_permute.mapping_default._mpi_-a", "ompia"),
            ("conf_permute.in_schedule.True", "share=True"),
            ("conf_permute.in_schedule.False", "share=False"),
            ("conf_permute.templated.b1", "n=b1"),
            ("conf_permute.templated.b2", "n=b2"),
        ],
    );
    let e = site.config_error(&["run", "conf_permute._deferred"]);
    assert!(e.contains("permute_on 'h': the variable uses a deferred value (known only inside the allocation) in 'conf_permute._deferred.permute_on'"), "{e}");
    assert!(e.contains(&at("tests/conf_permute.yaml", 61, 16)), "{e}");
    // Generation order: the first sorted variable (compiler) varies slowest.
    let shown = site.stdout(&["show", "test", "conf_permute.two_vars"]);
    let order: Vec<&str> = shown
        .lines()
        .filter_map(|l| l.strip_prefix("--- # "))
        .collect();
    assert_eq!(
        order,
        [
            "conf_permute.two_vars.gcc-1",
            "conf_permute.two_vars.gcc-2",
            "conf_permute.two_vars.clang-1",
            "conf_permute.two_vars.clang-2"
        ]
    );
    let e = site.config_error(&["run", "conf_permute._unknown"]);
    assert!(e.contains("permute_on names unknown variable 'sise' in 'conf_permute._unknown.permute_on' (did you mean 'size'?)"), "{e}");
    assert!(e.contains(&at("tests/conf_permute.yaml", 67, 16)), "{e}");
    let e = site.config_error(&["run", "conf_permute._subkey"]);
    assert!(
        e.contains("permute_on 'mpi.name': indexes and sub-keys cannot be permuted on"),
        "{e}"
    );
}

#[test]
fn only_if_and_not_if() {
    let site = Site::new();
    let out = site.loggia(&["run", "-w", "conf_cond"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    for skipped in [
        "skipped conf_cond.skipped_only_if: only_if: 'fast' does not match any of [\"fas\"]",
        "skipped conf_cond.skipped_not_if: not_if: 'linux' matches 'lin(ux)?'",
        "skipped conf_cond.permuted.2: not_if: '2' matches '2'",
    ] {
        assert!(err.contains(skipped), "{err}");
    }
    expect_logs(
        &site.logs(),
        &[
            ("conf_cond.runs_only_if", "ran only_if"),
            ("conf_cond.runs_not_if", "ran not_if"),
            ("conf_cond.permuted.1", "n=1"),
            ("conf_cond.permuted.3", "n=3"),
        ],
    );
    let e = site.config_error(&["run", "conf_cond._deferred"]);
    assert!(e.contains("deferred variable 'sys.host_name' cannot be used in 'only_if' in 'conf_cond._deferred.only_if'"), "{e}");
}

#[test]
fn host_and_mode_layers_and_overrides() {
    let site = Site::new();
    let args = [
        "-H",
        "conf_host",
        "-m",
        "conf_mode_a",
        "-m",
        "conf_mode_b",
        "-c",
        "variables.over=cli",
        "-c",
        "run.env.C=c-val",
        "-c",
        "variables.lst+=[c1, c2]",
        "conf_layers",
    ];
    let logs = site.run_logs(&args);
    expect_logs(
        &logs,
        &[(
            "conf_layers.layered",
            "shared=test host_real=host-real host_default=test-default\n\
             lst=h1,t1,ma,c1,c2 site_id=s42 mode=b over=cli\n\
             env=host,test,mode-a,c-val\n\
             mode b cmd",
        )],
    );
    // Without the host layer its required variable is not there, and the test gives one anyway.
    let plain = site.stdout(&["show", "vars", "--json", "conf_layers"]);
    let v: serde_json::Value = serde_json::from_str(&plain).unwrap();
    let lst = v[0]["variables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "lst")
        .unwrap();
    assert_eq!(lst["value"], "t1");
    // The host requires site_id: any other test run with -H conf_host fails to resolve.
    let e = site.config_error(&["run", "-H", "conf_host", "conf_vars.deferred"]);
    assert!(e.contains("variable 'site_id' was defined but wasn't given a value in 'conf_vars.deferred.variables.site_id'"), "{e}");
    assert!(e.contains(&at("hosts/conf_host.yaml", 8, 3)), "{e}");
    let e = site.config_error(&["run", "-c", "run.cmds.5=x", "conf_layers"]);
    assert!(
        e.contains("override 'run.cmds.5': index 5 is out of range (the list has 3 items)"),
        "{e}"
    );
    let e = site.config_error(&["run", "-c", "run.timout=5", "conf_layers"]);
    assert!(e.contains("unknown key 'timout'"), "{e}");
    assert!(e.contains("<-c run.timout>"), "{e}");
    let e = site.config_error(&["run", "-c", "name=x", "conf_layers"]);
    assert!(e.contains("'name' cannot be overridden"), "{e}");
}

/// Every request form of §2.1: which tests each selects.
#[test]
fn request_forms() {
    let site = Site::new();
    let names = |req: &str| -> Vec<String> {
        site.stdout(&["show", "test", req])
            .lines()
            .filter_map(|l| l.strip_prefix("--- # ").map(str::to_string))
            .collect()
    };
    let all = [
        "conf_requests.alpha",
        "conf_requests.alpine",
        "conf_requests.beta",
        "conf_requests.perm.a1",
        "conf_requests.perm.a2",
        "conf_requests.perm.b1",
    ];
    assert_eq!(names("conf_requests"), all);
    assert_eq!(names("conf_requests.al*"), all[..2]);
    assert_eq!(names("conf_requests.al?ha"), ["conf_requests.alpha"]);
    assert_eq!(names("conf_requests.[ab]eta"), ["conf_requests.beta"]);
    assert_eq!(names("2*conf_requests.beta"), ["conf_requests.beta"; 2]);
    assert_eq!(names("conf_requests.beta*3"), ["conf_requests.beta"; 3]);
    assert_eq!(names("2 * conf_requests.beta"), ["conf_requests.beta"; 2]);
    assert_eq!(names("conf_requests._hidden"), ["conf_requests._hidden"]);
    assert_eq!(names("conf_requests.perm.a*"), all[3..5]);
    assert_eq!(names("conf_requests.p*.b?"), ["conf_requests.perm.b1"]);
    let suite_file = suites_dir().join("tests/conf_requests.yaml");
    assert_eq!(names(&suite_file.display().to_string()), all);

    let e = site.config_error(&["show", "test", "conf_requests._h*"]);
    assert!(
        e.contains(
            "no test in suite 'conf_requests' matches '_h*' (tests: alpha, alpine, beta, perm)"
        ),
        "{e}"
    );
    let e = site.config_error(&["show", "test", "conf_requests.perm.zz"]);
    assert!(e.contains("no permutation of 'conf_requests.perm' has a subtitle matching 'zz' (subtitles: a1, a2, b1)"), "{e}");
    let e = site.config_error(&["show", "test", "2*conf_requests.beta*3"]);
    assert!(e.contains("gives a repeat count on both sides"), "{e}");
    let e = site.config_error(&["show", "test", "conf_requets"]);
    assert!(e.contains("did you mean 'conf_requests'?"), "{e}");
    // A request runs what it selects.
    let logs = site.run_logs(&["conf_requests.perm.b1", "conf_requests.al?ha"]);
    expect_logs(
        &logs,
        &[
            ("conf_requests.perm.b1", "perm b1"),
            ("conf_requests.alpha", "alpha"),
        ],
    );
}

#[test]
fn show_test_prints_the_resolved_config() {
    let site = Site::new();
    let yaml = site.stdout(&["show", "test", "conf_permute.mapping.ompi*"]);
    let expected = format!(
        "--- # conf_permute.mapping.ompi-4\n\
         name: conf_permute.mapping.ompi-4\n\
         suite: conf_permute\n\
         cfg_label: main\n\
         suite_path: {}\n\
         permute_values:\n  mpi: '{{\"name\":\"ompi\",\"ver\":\"4\"}}'\n\
         variables:\n  mpi:\n    name: ompi\n    ver: '4'\n\
         summary: Permuting a list of mappings needs an explicit subtitle.\n\
         permute_on:\n- mpi\n\
         subtitle: ompi-4\n\
         run:\n  cmds:\n  - echo \"mpi=ompi/4\"\n\
         schedule:\n  nodes: '1'\n",
        suites_dir().join("tests/conf_permute.yaml").display()
    );
    assert_eq!(yaml, expected);
    let json = site.stdout(&["show", "test", "--json", "conf_vars.deferred"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[0]["name"], "conf_vars.deferred");
    assert_eq!(v[0]["variables"]["where"], "on-{{sys.host_name}}");
    assert_eq!(v[0]["deferred"], serde_json::json!(["run.cmds.0"]));
    assert_eq!(
        v[0]["run"]["cmds"],
        serde_json::json!([
            "echo \"same={{ where == \"on-\" .. sys.sys_host }}\"",
            "echo \"plain=ok\""
        ])
    );
    // A skipped test says why.
    let yaml = site.stdout(&["show", "test", "conf_cond.skipped_not_if"]);
    assert!(
        yaml.ends_with("skipped: 'not_if: ''linux'' matches ''lin(ux)?'''\n"),
        "{yaml}"
    );
}

#[test]
fn show_vars_tells_where_each_value_came_from() {
    let site = Site::new();
    let out = site.stdout(&[
        "show",
        "vars",
        "--json",
        "-H",
        "conf_host",
        "-m",
        "conf_mode_a",
        "-c",
        "variables.over=cli",
        "conf_layers",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["test"], "conf_layers.layered");
    let rows: BTreeMap<String, serde_json::Value> = v[0]["variables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                format!(
                    "{}.{}",
                    r["set"].as_str().unwrap(),
                    r["name"].as_str().unwrap()
                ),
                r.clone(),
            )
        })
        .collect();
    let origin = |k: &str| rows[k]["origin"].as_str().unwrap().to_string();
    let layers = at("tests/conf_layers.yaml", 0, 0);
    let suite = layers.trim_end_matches(":0:0");
    let host = at("hosts/conf_host.yaml", 0, 0);
    let host = host.trim_end_matches(":0:0");
    let mode = at("modes/conf_mode_a.yaml", 0, 0);
    let mode = mode.trim_end_matches(":0:0");
    assert_eq!(
        rows["var.lst"]["value"],
        serde_json::json!(["h1", "t1", "ma"])
    );
    assert_eq!(
        origin("var.lst"),
        format!("host {host}:7, suite {suite}:11, mode {mode}:5")
    );
    assert_eq!(origin("var.host_real"), format!("host {host}:5"));
    assert_eq!(
        origin("var.host_default"),
        format!("suite {suite}:10 (default)")
    );
    assert_eq!(rows["var.mode"]["value"], "a");
    assert_eq!(origin("var.over"), "override <-c variables.over>:1");
    assert_eq!(rows["var.over"]["value"], "cli");
    assert_eq!(origin("sys.sys_host"), "sys fact");
    assert_eq!(rows["sys.sys_host"]["value"], host_name());
    assert_eq!(rows["sys.host_name"]["deferred"], true);
    assert_eq!(origin("pav.version"), "pav fact");
    assert_eq!(origin("sched.nodes"), "sched plugin raw");
    assert_eq!(rows["sched.nodes"]["value"], "1");

    // The table form marks deferred variables.
    let table = site.stdout(&["show", "vars", "conf_vars.deferred"]);
    let line = table.lines().find(|l| l.contains("var.where")).unwrap();
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(
        words,
        [
            "var.where",
            "on-{{sys.host_name}}",
            "suite",
            &format!("{}:69", suites_dir().join("tests/conf_vars.yaml").display()),
            "(deferred)"
        ]
    );
}

#[test]
fn merging_variables_across_inheritance_checks_sub_keys() {
    let site = Site::new();
    let e = site.config_error(&["run", "conf_err_subkey"]);
    assert!(
        e.contains("sub-key 'vendor' is not one of the sub-keys given defaults earlier in 'conf_err_subkey.child.variables.mpi.vendor'"),
        "{e}"
    );
    assert!(e.contains(&at("tests/conf_err_subkey.yaml", 11, 24)), "{e}");
    assert!(e.contains("expected one of: name, ver"), "{e}");
}
