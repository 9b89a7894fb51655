//! Order-preserving data parallelism for the inventory path (issue #4): a 100 000-node
//! inventory is parsed and transformed on every invocation, and both are independent per
//! record, so they are split into one contiguous part per core and run on rayon's pool.
//! Results come back in input order, and the first error in input order wins, exactly as a
//! sequential loop would report it. Small inputs stay on the calling thread, where handing
//! work over would cost more than it saves.
//!
//! The pool's threads live as long as the process: no thread is started per call, and the
//! allocator heaps that hold an inventory's nodes stay with live threads.

use rayon::prelude::*;
use std::num::NonZeroUsize;
use std::thread;

/// How many parts to split `len` items into when each part should hold at least `min_part`
/// items: at most one per available core, and 1 (no threads) for small inputs.
pub fn parts_for(len: usize, min_part: usize) -> usize {
    let cores = thread::available_parallelism().map_or(1, NonZeroUsize::get);
    cores.min(len / min_part.max(1)).max(1)
}

/// `f` over every item, in input order, using up to [`parts_for`]`(items.len(), min_part)`
/// threads. The items are split into contiguous parts, so `f` sees each part in order.
pub fn par_map<T, R, F>(items: &[T], min_part: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let parts = par_chunks(items, min_part, |_, part: &[T]| {
        part.iter().map(&f).collect::<Vec<R>>()
    });
    let mut out = Vec::with_capacity(items.len());
    for part in parts {
        out.extend(part);
    }
    out
}

/// Like [`par_map`] for a fallible `f` given each item's index: the error of the lowest-index
/// item that fails. Each part stops at its own first error.
pub fn try_par_map<T, R, E, F>(items: &[T], min_part: usize, f: F) -> Result<Vec<R>, E>
where
    T: Sync,
    R: Send,
    E: Send,
    F: Fn(usize, &T) -> Result<R, E> + Sync,
{
    let parts = par_chunks(items, min_part, |base, part: &[T]| {
        part.iter()
            .enumerate()
            .map(|(i, item)| f(base + i, item))
            .collect::<Result<Vec<R>, E>>()
    });
    let mut out = Vec::with_capacity(items.len());
    // Parts are in input order, so the first error met is the lowest-index one.
    for part in parts {
        out.extend(part?);
    }
    Ok(out)
}

/// Runs `job(first index, part)` on each of up to `parts_for(items.len(), min_part)`
/// contiguous parts of `items`, the first on the calling thread, and returns the results in
/// part order. A part whose thread cannot be spawned runs on the calling thread instead.
pub fn par_chunks<T, R, F>(items: &[T], min_part: usize, job: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(usize, &[T]) -> R + Sync,
{
    let n = parts_for(items.len(), min_part);
    if n <= 1 {
        return vec![job(0, items)];
    }
    let size = items.len().div_ceil(n);
    items
        .par_chunks(size)
        .enumerate()
        .map(|(p, part)| job(p * size, part))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_inputs_stay_on_one_thread() {
        assert_eq!(parts_for(0, 10), 1);
        assert_eq!(parts_for(19, 10), 1);
        let cores = thread::available_parallelism().map_or(1, NonZeroUsize::get);
        assert_eq!(parts_for(10 * cores + 5, 10), cores);
        assert_eq!(parts_for(5, 0), cores.min(5));
    }

    #[test]
    fn par_map_keeps_input_order() {
        let items: Vec<u64> = (0..10_007).collect();
        let want: Vec<u64> = items.iter().map(|x| x * 3 + 1).collect();
        for min_part in [1, 7, 1000, 100_000] {
            assert_eq!(par_map(&items, min_part, |x| x * 3 + 1), want);
        }
        assert_eq!(par_map(&[] as &[u64], 1, |x| *x), Vec::<u64>::new());
    }

    #[test]
    fn try_par_map_reports_the_lowest_failing_index() {
        let items: Vec<u64> = (0..5_000).collect();
        let ok = try_par_map(&items, 10, |i, x| {
            assert_eq!(i as u64, *x);
            Ok::<u64, String>(x + 1)
        });
        assert_eq!(ok, Ok((1..5_001).collect::<Vec<u64>>()));
        // Failures in several parts: the first in input order wins.
        for min_part in [1, 10, 10_000] {
            let got = try_par_map(&items, min_part, |i, x| {
                if *x == 4_999 || *x == 2_600 || *x == 1_234 {
                    Err(format!("item {i}"))
                } else {
                    Ok(*x)
                }
            });
            assert_eq!(got, Err("item 1234".to_string()), "min_part {min_part}");
        }
    }
}
