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

/// `f` over each item as its own task of the pool, in input order: for a few large items of
/// uneven cost (the parts of a text), which idle cores take over one by one.
pub fn par_each<T, R, F>(items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    if items.len() <= 1 {
        return items.iter().map(f).collect();
    }
    items.par_iter().with_max_len(1).map(&f).collect()
}

/// The items of `parts`, in order, in one vector. Each part is moved into place by its own task
/// of the pool: for a 100 000-node inventory parsed in parts, a copy of ~20 MB that would
/// otherwise run on one core while the other waits.
pub fn par_concat<T: Send>(parts: Vec<Vec<T>>) -> Vec<T> {
    let total: usize = parts.iter().map(Vec::len).sum();
    let mut all: Vec<T> = Vec::with_capacity(total);
    if parts.len() <= 1 {
        all.extend(parts.into_iter().flatten());
        return all;
    }
    let mut rest = &mut all.spare_capacity_mut()[..total];
    let mut slots = Vec::with_capacity(parts.len());
    for part in &parts {
        let (head, tail) = rest.split_at_mut(part.len());
        slots.push(head);
        rest = tail;
    }
    parts.into_par_iter().zip(slots).for_each(|(part, slots)| {
        for (slot, item) in slots.iter_mut().zip(part) {
            slot.write(item);
        }
    });
    // SAFETY: the slot slices cover the first `total` slots of the spare capacity exactly, each
    // as long as its part, and every item of every part was written into its slot.
    unsafe { all.set_len(total) };
    all
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
    fn par_each_keeps_input_order() {
        for len in [0, 1, 2, 9, 100] {
            let items: Vec<u64> = (0..len).collect();
            let want: Vec<u64> = items.iter().map(|x| x * x).collect();
            assert_eq!(par_each(&items, |x| x * x), want);
        }
    }

    #[test]
    fn par_concat_keeps_every_item_in_order() {
        for sizes in [vec![], vec![3], vec![0, 5, 0, 2], vec![1000, 1, 0, 777, 64]] {
            let mut next = 0;
            let parts: Vec<Vec<String>> = sizes
                .iter()
                .map(|&n| {
                    let part = (next..next + n).map(|i| i.to_string()).collect();
                    next += n;
                    part
                })
                .collect();
            let want: Vec<String> = (0..next).map(|i| i.to_string()).collect();
            assert_eq!(par_concat(parts), want, "{sizes:?}");
        }
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
