//! The generated shell scripts: `build.sh`/`run.sh` (CONFIG.md §4.2) and the job's kickoff
//! script (SCHEDULING.md §6.2, §6.5). Pure text generation; callers write the files.

use crate::config::test::ScriptSection;
use std::path::Path;

/// The helper library every script sources.
pub const LIB_BASH: &str = include_str!("loggia-lib.bash");

/// Inputs shared by build and run scripts.
pub struct ScriptEnv<'a> {
    pub shebang: &'a str,
    pub config_file: Option<&'a Path>,
    pub lib_path: &'a Path,
}

/// Quotes a value for a shell `export` the way §4.2 says: values with spaces that are not
/// already quoted get double quotes.
fn export_value(v: &str) -> String {
    let quoted = (v.starts_with('"') && v.ends_with('"') && v.len() >= 2)
        || (v.starts_with('\'') && v.ends_with('\'') && v.len() >= 2);
    if v.contains(char::is_whitespace) && !quoted {
        format!("\"{v}\"")
    } else {
        v.to_string()
    }
}

fn module_lines(m: &str) -> Vec<String> {
    let m = m.trim();
    if let Some((old, new)) = m.split_once("->") {
        let (old, new) = (old.trim(), new.trim());
        return vec![
            format!("module swap {old} {new}"),
            format!("is_module_unloaded {old} \"$TEST_ID\""),
            format!("is_module_loaded {new} \"$TEST_ID\""),
        ];
    }
    if let Some(name) = m.strip_prefix('-') {
        return vec![
            format!("module unload {name}"),
            format!("is_module_unloaded {name} \"$TEST_ID\""),
        ];
    }
    vec![
        format!("module load {m}"),
        format!("is_module_loaded {m} \"$TEST_ID\""),
    ]
}

/// `build.sh` or `run.sh` for a section.
pub fn test_script(sec: &ScriptSection, env: &ScriptEnv, verbose: bool, autoexit: bool) -> String {
    let mut s = String::new();
    s.push_str(env.shebang.trim());
    s.push('\n');
    s.push_str("# The first (and only) argument of the script is the test id.\n");
    s.push_str("export TEST_ID=${1:-0}\n");
    if let Some(f) = env.config_file {
        s.push_str(&format!("export LOGGIA_CONFIG_FILE={}\n", f.display()));
    }
    s.push_str(&format!("source {}\n", env.lib_path.display()));
    if verbose {
        s.push_str("set -v\n");
    }
    for p in &sec.preamble {
        s.push_str(p);
        s.push('\n');
    }
    for m in &sec.modules {
        for l in module_lines(m) {
            s.push_str(&l);
            s.push('\n');
        }
    }
    for (k, v) in &sec.env.0 {
        match v {
            Some(v) => s.push_str(&format!("export {k}={}\n", export_value(v))),
            None => s.push_str(&format!("unset {k}\n")),
        }
    }
    if verbose {
        s.push_str("module -t list 2>&1 || true\ndeclare -p\n");
    }
    if autoexit {
        s.push_str("set -e -o pipefail\n");
    }
    let cmds: Vec<&str> = sec.cmds.iter().flat_map(|c| c.split('\n')).collect();
    if cmds.is_empty() {
        s.push_str("# No commands given for this script.\n");
    }
    for c in cmds {
        s.push_str(c);
        s.push('\n');
    }
    s
}

/// Inputs of a kickoff script.
pub struct KickoffEnv<'a> {
    pub shebang: &'a str,
    pub headers: &'a [String],
    pub job_uuid: &'a str,
    pub job_dir: &'a Path,
    pub loggia_dir: &'a Path,
    pub config_file: Option<&'a Path>,
    pub env_setup: &'a [String],
    pub tests: &'a [String],
}

/// Signals the kickoff script traps and forwards to the runner (§6.2).
const SIGNALS: [(&str, u8); 7] = [
    ("HUP", 1),
    ("INT", 2),
    ("QUIT", 3),
    ("USR1", 10),
    ("USR2", 12),
    ("TERM", 15),
    ("XCPU", 24),
];

/// The kickoff script (§6.2) with its exit-record block (§6.5).
pub fn kickoff_script(k: &KickoffEnv) -> String {
    let dir = k.job_dir.display();
    let mut s = String::new();
    s.push_str(k.shebang.trim());
    s.push('\n');
    for h in k.headers {
        s.push_str(h);
        s.push('\n');
    }
    s.push_str(&format!(
        "# loggia kickoff script: job {}, {} test(s)\n",
        k.job_uuid,
        k.tests.len()
    ));
    s.push_str(&format!("exec >\"{dir}/kickoff.log\" 2>&1\n"));
    s.push_str(&format!(
        "export PATH=\"{}:${{PATH}}\"\n",
        k.loggia_dir.display()
    ));
    if let Some(f) = k.config_file {
        s.push_str(&format!("export LOGGIA_CONFIG_FILE=\"{}\"\n", f.display()));
    }
    s.push_str(&format!("export LOGGIA_JOB_DIR=\"{dir}\"\n"));
    for l in k.env_setup {
        s.push_str(l);
        s.push('\n');
    }
    // The exit record uses only built-ins, printf, date and hostname, and is moved into place
    // atomically so a reader never sees half of it.
    s.push_str(&format!(
        r#"_lg_start=$(date +%s)
_lg_sig=null
_lg_child=
_lg_rc=0
_lg_record() {{
    local end host jid tmp
    end=$(date +%s)
    host=$(hostname 2>/dev/null || echo unknown)
    jid=${{SLURM_JOB_ID:-${{PBS_JOBID:-${{LSB_JOBID:-${{FLUX_JOB_ID:-${{JOB_ID:-}}}}}}}}}}
    tmp="{dir}/.exit_record.json.$$"
    printf '{{"version": 1, "job": "%s", "exit_code": %d, "signal": %s, "start": %d, "end": %d, "host": "%s", "sched_job_id": "%s"}}\n' \
        "{uuid}" "$_lg_rc" "$_lg_sig" "$_lg_start" "$end" "$host" "$jid" > "$tmp" && mv -f "$tmp" "{dir}/exit_record.json"
}}
trap '_lg_record' EXIT
"#,
        uuid = k.job_uuid
    ));
    for (name, num) in SIGNALS {
        s.push_str(&format!(
            "trap '_lg_sig={num}; [ -n \"$_lg_child\" ] && kill -{name} \"$_lg_child\" 2>/dev/null' {name}\n"
        ));
    }
    s.push_str(&format!(
        "echo \"Starting {} tests - $(date)\"\n",
        k.tests.len()
    ));
    s.push_str(&format!("loggia _run {} &\n", k.tests.join(" ")));
    s.push_str(
        r#"_lg_child=$!
# A trapped signal interrupts `wait`; keep waiting until the runner has really exited.
while :; do
    wait "$_lg_child"
    _lg_rc=$?
    if kill -0 "$_lg_child" 2>/dev/null; then continue; fi
    wait "$_lg_child" 2>/dev/null
    _lg_last=$?
    [ "$_lg_last" -ne 127 ] && _lg_rc=$_lg_last
    break
done
exit "$_lg_rc"
"#,
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test::Ordered;

    #[test]
    fn run_script_layout() {
        let sec = ScriptSection {
            cmds: vec!["echo a\necho b".into()],
            env: Ordered(vec![
                ("A".into(), Some("x y".into())),
                ("B".into(), None),
                ("C".into(), Some("\"q r\"".into())),
            ]),
            modules: vec!["gcc/12".into()],
            preamble: vec!["ulimit -c 0".into()],
            ..Default::default()
        };
        let env = ScriptEnv {
            shebang: "#!/usr/bin/bash",
            config_file: Some(Path::new("/c/loggia.yaml")),
            lib_path: Path::new("/w/share/loggia-lib.bash"),
        };
        let s = test_script(&sec, &env, false, true);
        assert_eq!(
            s,
            "#!/usr/bin/bash\n# The first (and only) argument of the script is the test id.\nexport TEST_ID=${1:-0}\n\
             export LOGGIA_CONFIG_FILE=/c/loggia.yaml\n\
             source /w/share/loggia-lib.bash\nulimit -c 0\nmodule load gcc/12\nis_module_loaded gcc/12 \"$TEST_ID\"\n\
             export A=\"x y\"\nunset B\nexport C=\"q r\"\nset -e -o pipefail\necho a\necho b\n"
        );
    }

    #[test]
    fn empty_scripts_say_so() {
        let env = ScriptEnv {
            shebang: "#!/bin/bash",
            config_file: None,
            lib_path: Path::new("/l"),
        };
        let s = test_script(&ScriptSection::default(), &env, false, false);
        assert!(s.ends_with("# No commands given for this script.\n"));
        assert!(!s.contains("set -e"));
    }

    #[test]
    fn module_forms() {
        assert_eq!(module_lines("-x")[0], "module unload x");
        assert_eq!(module_lines("a/1->b/2")[0], "module swap a/1 b/2");
    }

    #[test]
    fn kickoff_script_has_traps_and_record() {
        let k = KickoffEnv {
            shebang: "#!/usr/bin/bash",
            headers: &["#SBATCH --x".to_string()],
            job_uuid: "ab",
            job_dir: Path::new("/j"),
            loggia_dir: Path::new("/bin"),
            config_file: None,
            env_setup: &["module load foo".to_string()],
            tests: &["main.1".to_string(), "main.2".to_string()],
        };
        let s = kickoff_script(&k);
        assert!(s.starts_with(
            "#!/usr/bin/bash\n#SBATCH --x\n# loggia kickoff script: job ab, 2 test(s)\n"
        ));
        assert!(s.contains("trap '_lg_sig=15; [ -n \"$_lg_child\" ] && kill -TERM \"$_lg_child\" 2>/dev/null' TERM\n"));
        assert!(s.contains("loggia _run main.1 main.2 &\n"));
        assert!(s.contains("mv -f \"$tmp\" \"/j/exit_record.json\""));
        assert!(s.contains("module load foo\n"));
    }
}
