//! The files a key reads (CONFIG.md §10.1 `files`): globs relative to the test run's `build/`
//! directory (absolute ones as they are), matched component by component like Python's
//! `glob` (`*`, `?`, `[…]`; names starting with `.` only by a pattern starting with `.`).

use crate::resolve::request::glob_match;
use std::path::{Component, Path, PathBuf};

/// `base/pattern` with `.` and `..` removed lexically, so `../run.log` means the run directory
/// even when `build/` is reached through a symlink.
fn lexical_join(base: &Path, pattern: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for c in base.join(pattern).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn has_magic(part: &str) -> bool {
    part.contains(['*', '?', '['])
}

/// The regular files (symlinks followed) matching `pattern`, sorted by path.
pub fn glob_files(base: &Path, pattern: &str) -> Vec<PathBuf> {
    let full = lexical_join(base, pattern);
    let mut found: Vec<PathBuf> = vec![PathBuf::new()];
    for c in full.components() {
        let part = c.as_os_str().to_string_lossy().to_string();
        if !matches!(c, Component::Normal(_)) || !has_magic(&part) {
            for p in &mut found {
                p.push(c.as_os_str());
            }
            continue;
        }
        let mut next = Vec::new();
        for dir in &found {
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                if name.starts_with('.') && !part.starts_with('.') {
                    continue;
                }
                if glob_match(&part, &name) {
                    next.push(dir.join(&name));
                }
            }
        }
        found = next;
    }
    // Directories cannot be parsed; only files count.
    found.retain(|p| p.is_file());
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_relative_absolute_and_parent() {
        let d = tempfile::tempdir().unwrap();
        let build = d.path().join("build");
        std::fs::create_dir_all(build.join("sub")).unwrap();
        for f in ["b.out", "a.out", ".hidden.out", "sub/c.out", "x.txt"] {
            std::fs::write(build.join(f), "").unwrap();
        }
        std::fs::write(d.path().join("run.log"), "").unwrap();
        let names = |pat: &str| -> Vec<String> {
            glob_files(&build, pat)
                .iter()
                .map(|p| p.strip_prefix(d.path()).unwrap().display().to_string())
                .collect()
        };
        assert_eq!(names("*.out"), vec!["build/a.out", "build/b.out"]);
        assert_eq!(names(".*.out"), vec!["build/.hidden.out"]);
        assert_eq!(names("*/*.out"), vec!["build/sub/c.out"]);
        assert_eq!(names("[ab].out"), vec!["build/a.out", "build/b.out"]);
        assert_eq!(names("?.txt"), vec!["build/x.txt"]);
        assert_eq!(names("../run.log"), vec!["run.log"]);
        assert_eq!(names("./x.txt"), vec!["build/x.txt"]);
        assert!(names("*").iter().all(|n| !n.ends_with("sub")));
        assert!(names("nothing*").is_empty());
        assert!(names("missing.log").is_empty());
        let abs = d.path().join("run.log");
        assert_eq!(
            glob_files(Path::new("/elsewhere"), abs.to_str().unwrap()),
            vec![abs]
        );
    }
}
