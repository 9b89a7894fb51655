//! Shared builds (CONFIG.md §4.1): identical build configurations share one directory
//! `builds/<build id>/`, built once under a lock; each test run gets a `build/` symlink farm into
//! it (with `copy_files` as real copies), `build_origin` and `build.log` links.

use super::proc;
use super::testrun::TestRun;
use crate::config::site::ConfigDir;
use crate::config::test::ScriptSection;
use crate::fsutil::{self, FileLock};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The environment that tells `loggia-lib.bash` which test it serves. It is set when a script
/// runs, never written into the script: build scripts are hashed to share builds.
pub fn test_dir_env(tr: &TestRun) -> Vec<(String, String)> {
    vec![("LOGGIA_TEST_DIR".to_string(), tr.dir.display().to_string())]
}

/// How a test's build went.
#[derive(Debug, Clone, PartialEq)]
pub enum BuildOutcome {
    Built,
    Reused,
    Failed(String),
    TimedOut(String),
}

/// Finds `source_path` (absolute, or in `test_src/` of each config dir).
pub fn find_source(dirs: &[ConfigDir], src: &str) -> Result<PathBuf, String> {
    let p = Path::new(src);
    if p.is_absolute() {
        return if p.exists() {
            Ok(p.to_path_buf())
        } else {
            Err(format!("build.source_path '{src}' does not exist"))
        };
    }
    for d in dirs {
        let c = d.path.join("test_src").join(p);
        if c.exists() {
            return Ok(c);
        }
    }
    Err(format!(
        "build.source_path '{src}' is not in test_src/ of any config dir"
    ))
}

fn newest_mtime(p: &Path) -> u128 {
    let mut best = 0;
    let mut stack = vec![p.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(meta) = std::fs::symlink_metadata(&d) else {
            continue;
        };
        if let Ok(m) = meta.modified() {
            best = best.max(
                m.duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or(0),
            );
        }
        if meta.is_dir() {
            if let Ok(rd) = std::fs::read_dir(&d) {
                stack.extend(rd.flatten().map(|e| e.path()));
            }
        }
    }
    best
}

/// The build id: SHA-256 over the build script, specificity, source and created files.
pub fn build_id(script: &str, sec: &ScriptSection, source: Option<&Path>) -> String {
    let mut h = Sha256::new();
    h.update(script.as_bytes());
    h.update([0]);
    h.update(sec.specificity.as_deref().unwrap_or("").as_bytes());
    h.update([0]);
    if let Some(src) = source {
        if src.is_dir() {
            h.update(newest_mtime(src).to_le_bytes());
        } else if let Ok(bytes) = std::fs::read(src) {
            h.update(&bytes);
        }
    }
    for (path, lines) in &sec.create_files {
        h.update(path.as_bytes());
        h.update([0]);
        for l in lines {
            h.update(l.as_bytes());
            h.update([b'\n']);
        }
    }
    let digest = h.finalize();
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

fn copy_tree(src: &Path, dst: &Path) -> std::io::Result<()> {
    let meta = std::fs::metadata(src)?;
    if meta.is_dir() {
        fsutil::create_dir_all(dst)?;
        for e in std::fs::read_dir(src)? {
            let e = e?;
            copy_tree(&e.path(), &dst.join(e.file_name()))?;
        }
        Ok(())
    } else {
        std::fs::copy(src, dst).map(|_| ())
    }
}

fn is_archive(p: &Path) -> Option<&'static str> {
    let mut head = [0u8; 262];
    let n = std::fs::File::open(p)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .ok()?;
    let h = &head[..n];
    if h.starts_with(b"PK\x03\x04") {
        Some("zip")
    } else if h.starts_with(&[0x1f, 0x8b])
        || h.starts_with(b"BZh")
        || h.starts_with(&[0xfd, b'7', b'z', b'X', b'Z'])
        || (n >= 262 && &h[257..262] == b"ustar")
    {
        Some("tar")
    } else {
        None
    }
}

/// Puts the source into `dir`: copies files and directories, extracts archives (by content).
fn stage_source(src: &Path, dir: &Path) -> Result<(), String> {
    let runner = loggia_sched::SystemRunner;
    use loggia_sched::CommandRunner;
    if src.is_dir() {
        return copy_tree(src, dir).map_err(|e| format!("copying {}: {e}", src.display()));
    }
    let argv: Vec<String> = match is_archive(src) {
        Some("zip") => vec![
            "unzip".into(),
            "-q".into(),
            src.display().to_string(),
            "-d".into(),
            dir.display().to_string(),
        ],
        Some(_) => vec![
            "tar".into(),
            "-xf".into(),
            src.display().to_string(),
            "-C".into(),
            dir.display().to_string(),
        ],
        None => {
            let name = src
                .file_name()
                .map(|n| n.to_os_string())
                .unwrap_or_default();
            return std::fs::copy(src, dir.join(name))
                .map(|_| ())
                .map_err(|e| format!("copying {}: {e}", src.display()));
        }
    };
    let out = runner
        .run(&loggia_sched::Cmd::new(argv).timeout(Duration::from_secs(600)))
        .map_err(|e| e.to_string())?;
    if !out.success() {
        return Err(format!(
            "extracting {} failed: {}",
            src.display(),
            out.stderr.trim()
        ));
    }
    // An archive with a single top-level directory has that directory as the build root.
    let entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| e.to_string())?
        .flatten()
        .collect();
    if let [only] = entries.as_slice() {
        if only.path().is_dir() {
            let inner = only.path();
            let tmp = dir.with_extension("flatten");
            std::fs::rename(&inner, &tmp).map_err(|e| e.to_string())?;
            std::fs::remove_dir(dir).map_err(|e| e.to_string())?;
            std::fs::rename(&tmp, dir).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// Builds (or reuses) the build of a test run and links it into the test run.
pub fn build_test(
    tr: &TestRun,
    working_dir: &Path,
    dirs: &[ConfigDir],
    sec: &ScriptSection,
) -> Result<BuildOutcome, String> {
    let script = std::fs::read_to_string(tr.path("build.sh"))
        .map_err(|e| format!("reading build.sh: {e}"))?;
    let source = match &sec.source_path {
        Some(s) if !s.trim().is_empty() => Some(find_source(dirs, s.trim())?),
        _ => None,
    };
    let id = build_id(&script, sec, source.as_deref());
    let builds = working_dir.join("builds");
    fsutil::create_dir_all(&builds).map_err(|e| e.to_string())?;
    let final_dir = builds.join(&id);
    let mut outcome = BuildOutcome::Reused;
    if !final_dir.join(".built_by").exists() {
        let _lock =
            FileLock::acquire(&builds.join(format!("{id}.lock"))).map_err(|e| e.to_string())?;
        if !final_dir.join(".built_by").exists() {
            let _ = tr.set_status("BUILDING", &format!("building {id}"));
            outcome = run_build(tr, &final_dir, &script, sec, source.as_deref())?;
        }
    }
    if outcome == BuildOutcome::Reused {
        let _ = tr.set_status("BUILD_REUSED", &format!("build {id} reused"));
    }
    if matches!(outcome, BuildOutcome::Built | BuildOutcome::Reused) {
        link_build(tr, &final_dir, sec).map_err(|e| format!("linking build {id}: {e}"))?;
    }
    Ok(outcome)
}

fn run_build(
    tr: &TestRun,
    final_dir: &Path,
    script: &str,
    sec: &ScriptSection,
    source: Option<&Path>,
) -> Result<BuildOutcome, String> {
    let tmp = final_dir.with_extension(format!("tmp{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    fsutil::create_dir_all(&tmp).map_err(|e| e.to_string())?;
    if let Some(src) = source {
        stage_source(src, &tmp)?;
    }
    for (path, lines) in &sec.create_files {
        let p = tmp.join(path);
        if let Some(parent) = p.parent() {
            fsutil::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        let mut body = lines.join("\n");
        body.push('\n');
        std::fs::write(&p, body).map_err(|e| format!("creating {}: {e}", p.display()))?;
    }
    let script_path = tmp.join(".loggia_build.sh");
    super::create::write_script(&script_path, script).map_err(|e| e.to_string())?;
    let log = tmp.join("loggia_build_log");
    let timeout = match sec.timeout.as_deref().map(str::trim) {
        None => Some(Duration::from_secs(30)),
        Some("") => None,
        Some(t) => {
            Some(Duration::from_secs(t.parse::<u64>().map_err(|_| {
                format!("build.timeout: expected seconds, found '{t}'")
            })?))
        }
    };
    let follow = match &sec.timeout_file {
        Some(f) => tmp.join(f),
        None => log.clone(),
    };
    let info = proc::run_with_timeout(
        &script_path,
        &tr.id.to_string(),
        &tmp,
        &log,
        &follow,
        timeout,
        &test_dir_env(tr),
    )
    .map_err(|e| e.to_string())?;
    let _ = std::os::unix::fs::symlink(&log, tr.path("build.log"));
    if info.timed_out {
        return Ok(BuildOutcome::TimedOut(format!(
            "build produced no output for {}s; see {}",
            timeout.map(|t| t.as_secs()).unwrap_or(0),
            log.display()
        )));
    }
    if info.exit_code != Some(0) {
        return Ok(BuildOutcome::Failed(format!(
            "build script exited with {}; see {}",
            info.exit_code.unwrap_or(-1),
            log.display()
        )));
    }
    std::fs::write(tmp.join(".built_by"), format!("{}\n", tr.full_id()))
        .map_err(|e| e.to_string())?;
    std::fs::rename(&tmp, final_dir).map_err(|e| format!("finishing build: {e}"))?;
    Ok(BuildOutcome::Built)
}

fn link_build(tr: &TestRun, build: &Path, sec: &ScriptSection) -> std::io::Result<()> {
    let dst = tr.path("build");
    farm(build, &dst, &sec.copy_files, build)?;
    let _ = std::os::unix::fs::symlink(build, tr.path("build_origin"));
    let log = tr.path("build.log");
    if !log.exists() {
        let _ = std::os::unix::fs::symlink(build.join("loggia_build_log"), log);
    }
    Ok(())
}

fn farm(src: &Path, dst: &Path, copies: &[String], root: &Path) -> std::io::Result<()> {
    fsutil::create_dir_all(dst)?;
    for e in std::fs::read_dir(src)? {
        let e = e?;
        let name = e.file_name();
        if name == ".built_by" || name == "loggia_build_log" || name == ".loggia_build.sh" {
            continue;
        }
        let from = e.path();
        let to = dst.join(&name);
        let rel = from
            .strip_prefix(root)
            .unwrap_or(&from)
            .to_string_lossy()
            .into_owned();
        if e.file_type()?.is_dir() {
            farm(&from, &to, copies, root)?;
        } else if copies
            .iter()
            .any(|g| crate::resolve::request::glob_match(g.trim_start_matches("./"), &rel))
        {
            std::fs::copy(&from, &to)?;
        } else {
            std::os::unix::fs::symlink(&from, &to)?;
        }
    }
    Ok(())
}
