//! Test run id allocation (CONFIG.md §14): integers from `test_runs/next_id`, read and advanced
//! under an exclusive lock, so concurrent `loggia run` processes never get the same id. A whole
//! range is reserved at once, and each id's directory is created with `create_dir` (not
//! `create_dir_all`), which fails rather than reuses a directory left by anything else.

use crate::fsutil::{annotate, write_atomic, FileLock};
use std::path::Path;

/// Reserves `count` consecutive ids in `test_runs_dir`; returns the first.
pub fn allocate(test_runs_dir: &Path, count: u64) -> std::io::Result<u64> {
    crate::fsutil::create_dir_all(test_runs_dir)?;
    let _lock = FileLock::acquire(&test_runs_dir.join(".next_id.lock"))?;
    let next_path = test_runs_dir.join("next_id");
    let mut next = match std::fs::read_to_string(&next_path) {
        Ok(s) => s.trim().parse::<u64>().map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{}: not an id ({e})", next_path.display()),
            )
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => 1,
        Err(e) => return Err(annotate(e, &next_path)),
    };
    // A directory with a higher id may exist if next_id was lost; never reuse it.
    while test_runs_dir.join(next.to_string()).exists() {
        next += 1;
    }
    write_atomic(&next_path, format!("{}\n", next + count).as_bytes())?;
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_do_not_overlap() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(allocate(d.path(), 5).unwrap(), 1);
        assert_eq!(allocate(d.path(), 2).unwrap(), 6);
        assert_eq!(allocate(d.path(), 1).unwrap(), 8);
    }

    #[test]
    fn existing_directories_are_skipped() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("1")).unwrap();
        std::fs::create_dir(d.path().join("2")).unwrap();
        assert_eq!(allocate(d.path(), 1).unwrap(), 3);
    }

    #[test]
    fn threads_get_distinct_ids() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().to_path_buf();
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let p = path.clone();
                std::thread::spawn(move || allocate(&p, 10).unwrap())
            })
            .collect();
        let mut firsts: Vec<u64> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        firsts.sort();
        for w in firsts.windows(2) {
            assert!(w[1] >= w[0] + 10, "{firsts:?}");
        }
    }
}
