//! An order-statistics set over positions `0..n` (a Fenwick tree of alive flags): find the
//! `k`-th remaining position and remove positions in O(log n). Chunking uses it so that taking
//! nodes out of the remaining list (`pool = pool − c`, §3.6) never costs O(n) per chunk.

/// The positions `0..n` that have not been removed yet.
#[derive(Debug, Clone)]
pub(crate) struct AliveSet {
    /// 1-based Fenwick tree of alive counts.
    tree: Vec<u32>,
    alive: Vec<bool>,
    count: usize,
}

impl AliveSet {
    /// All of `0..n` alive. O(n).
    pub(crate) fn full(n: usize) -> AliveSet {
        let mut tree = vec![0u32; n + 1];
        for i in 1..=n {
            tree[i] += 1;
            let parent = i + (i & i.wrapping_neg());
            if parent <= n {
                tree[parent] += tree[i];
            }
        }
        AliveSet {
            tree,
            alive: vec![true; n],
            count: n,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.count
    }

    /// The position of the `k`-th (0-based) alive element, if `k < len()`.
    pub(crate) fn kth(&self, k: usize) -> Option<usize> {
        if k >= self.count {
            return None;
        }
        let n = self.alive.len();
        let mut pos = 0usize;
        let mut rem = u32::try_from(k + 1).ok()?;
        let mut step = if n == 0 {
            0
        } else {
            1usize << (usize::BITS - 1 - n.leading_zeros())
        };
        while step > 0 {
            let next = pos + step;
            if next <= n && self.tree[next] < rem {
                pos = next;
                rem -= self.tree[next];
            }
            step >>= 1;
        }
        Some(pos)
    }

    /// Removes `pos` (no effect when already removed or out of range).
    pub(crate) fn remove(&mut self, pos: usize) {
        if !self.alive.get(pos).copied().unwrap_or(false) {
            return;
        }
        self.alive[pos] = false;
        self.count -= 1;
        let mut i = pos + 1;
        while i < self.tree.len() {
            self.tree[i] -= 1;
            i += i & i.wrapping_neg();
        }
    }

    /// The alive positions, ascending. O(n).
    pub(crate) fn remaining(&self) -> Vec<usize> {
        self.alive
            .iter()
            .enumerate()
            .filter(|(_, a)| **a)
            .map(|(i, _)| i)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kth_after_removals() {
        let mut s = AliveSet::full(10);
        assert_eq!(s.kth(0), Some(0));
        assert_eq!(s.kth(9), Some(9));
        assert_eq!(s.kth(10), None);
        s.remove(0);
        s.remove(5);
        s.remove(5);
        assert_eq!(s.len(), 8);
        assert_eq!(s.kth(0), Some(1));
        assert_eq!(s.kth(4), Some(6));
        assert_eq!(s.remaining(), vec![1, 2, 3, 4, 6, 7, 8, 9]);
        let empty = AliveSet::full(0);
        assert_eq!(empty.kth(0), None);
    }

    #[test]
    fn matches_a_plain_vector() {
        let mut s = AliveSet::full(37);
        let mut v: Vec<usize> = (0..37).collect();
        for step in [3usize, 7, 1, 20, 0, 11] {
            let k = step % v.len();
            assert_eq!(s.kth(k), Some(v[k]));
            s.remove(v[k]);
            v.remove(k);
            for (i, x) in v.iter().enumerate() {
                assert_eq!(s.kth(i), Some(*x));
            }
        }
    }
}
