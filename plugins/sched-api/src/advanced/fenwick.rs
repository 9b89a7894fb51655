//! An order-statistics set over positions `0..n`: take out the elements of given ranks in
//! O(log n) each. Chunking uses it so that taking nodes out of the remaining list
//! (`pool = pool − c`, §3.6) never costs O(n) per chunk.
//!
//! Alive flags are bits of 64-bit words with a count per word, and a Fenwick tree over those
//! counts: for 100 000 nodes the tree has ~1 600 entries and stays in the L1 cache. A chunk's
//! ranks are taken in ascending order, each found by stepping from the previous one over the
//! counts of groups of 16 words and then of words, or by descending the tree when it lies
//! further on.

/// Steps (over a word or a group of words) taken towards a rank before it is looked up in the
/// tree instead; bounds the cost of a rank at O(log n), while the common short gaps are crossed
/// faster than a descent.
const SWEEP_STEPS: usize = 32;

/// Words per group: a sweep skips a whole group by its count.
const GROUP: usize = 16;

/// The positions `0..n` that have not been removed yet.
#[derive(Debug, Clone)]
pub(crate) struct AliveSet {
    /// Bit `i % 64` of word `i / 64`: position `i` is alive.
    bits: Vec<u64>,
    /// Alive positions per word.
    counts: Vec<u8>,
    /// Alive positions per group of [`GROUP`] words.
    groups: Vec<u16>,
    /// 1-based Fenwick tree over `counts`, padded to a power of two so that the descent needs
    /// no bounds test. Removals reach it only when a descent needs it ([`AliveSet::pending`]):
    /// every removal updates the same top entries, and doing that eagerly chained each
    /// removal to the one before through memory.
    tree: Vec<u32>,
    /// Words with one removal each that the tree does not count yet.
    pending: Vec<usize>,
    count: usize,
}

impl AliveSet {
    /// All of `0..n` alive. O(n / 64).
    pub(crate) fn full(n: usize) -> AliveSet {
        let words = n.div_ceil(64).next_power_of_two();
        let mut bits = vec![0u64; words];
        let mut counts = vec![0u8; words];
        for w in 0..n.div_ceil(64) {
            let left = n - w * 64;
            bits[w] = if left >= 64 {
                u64::MAX
            } else {
                (1u64 << left) - 1
            };
            counts[w] = left.min(64) as u8;
        }
        let groups = counts
            .chunks(GROUP)
            .map(|g| g.iter().map(|&c| u16::from(c)).sum())
            .collect();
        let mut tree = vec![0u32; words + 1];
        for i in 1..=words {
            tree[i] += u32::from(counts[i - 1]);
            let parent = i + (i & i.wrapping_neg());
            if parent <= words {
                tree[parent] += tree[i];
            }
        }
        AliveSet {
            bits,
            counts,
            groups,
            tree,
            pending: Vec::new(),
            count: n,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.count
    }

    /// The word holding the `k`-th (0-based, `k < len()`) alive element, and how many alive
    /// elements precede that word.
    fn word_of(&mut self, k: usize) -> (usize, usize) {
        for w in self.pending.drain(..) {
            let mut i = w + 1;
            while i < self.tree.len() {
                self.tree[i] -= 1;
                i += i & i.wrapping_neg();
            }
        }
        let mut word = 0usize;
        let mut before = 0usize;
        let mut step = self.bits.len();
        while step > 0 {
            let below = self.tree[word + step] as usize;
            let take = before + below <= k;
            word += if take { step } else { 0 };
            before += if take { below } else { 0 };
            step >>= 1;
        }
        (word, before)
    }

    /// The position of the `k`-th (0-based) alive element, if `k < len()`: one lookup, the
    /// reference [`AliveSet::take_sorted`] is tested against.
    #[cfg(test)]
    pub(crate) fn kth(&mut self, k: usize) -> Option<usize> {
        if k >= self.count {
            return None;
        }
        let (word, before) = self.word_of(k);
        Some(word * 64 + select(self.bits[word], k - before))
    }

    /// Removes the elements of the given ranks and returns their positions (ascending).
    /// `ranks` are ascending, distinct and below `len()`, all counted before any removal; a
    /// rank from `len()` on ends the list. O(m log n) for `m` ranks.
    pub(crate) fn take_sorted(&mut self, ranks: &[usize]) -> Vec<usize> {
        let mut out = Vec::with_capacity(ranks.len());
        let mut word = 0usize;
        // Alive positions in the words before `word`.
        let mut before = 0usize;
        for &r in ranks {
            if r >= self.count {
                break;
            }
            let mut steps = 0;
            while r >= before + usize::from(self.counts[word]) {
                if steps == SWEEP_STEPS {
                    (word, before) = self.word_of(r);
                    break;
                }
                // Whole groups of words at a time where the rank lies beyond them.
                let group = usize::from(self.groups[word / GROUP]);
                if word.is_multiple_of(GROUP) && r >= before + group {
                    before += group;
                    word += GROUP;
                } else {
                    before += usize::from(self.counts[word]);
                    word += 1;
                }
                steps += 1;
            }
            out.push(word * 64 + select(self.bits[word], r - before));
        }
        for &p in &out {
            self.remove(p);
        }
        out
    }

    /// Removes `pos` (no effect when already removed or out of range).
    fn remove(&mut self, pos: usize) {
        let w = pos / 64;
        let bit = 1u64 << (pos % 64);
        if self.bits.get(w).is_none_or(|b| b & bit == 0) {
            return;
        }
        self.bits[w] &= !bit;
        self.counts[w] -= 1;
        self.groups[w / GROUP] -= 1;
        self.count -= 1;
        self.pending.push(w);
    }

    /// The alive positions, ascending. O(n / 64 + len).
    pub(crate) fn remaining(&self) -> Vec<usize> {
        let mut out = Vec::with_capacity(self.count);
        for (w, &word) in self.bits.iter().enumerate() {
            let mut x = word;
            while x != 0 {
                out.push(w * 64 + x.trailing_zeros() as usize);
                x &= x - 1;
            }
        }
        out
    }
}

/// Set bits per byte value.
const BYTE_ONES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).count_ones() as u8;
        b += 1;
    }
    t
};

/// The bit position of the `r`-th (0-based) set bit of `x`; `r < x.count_ones()`. Whole bytes
/// are skipped by their counts first, so at most 8 + 7 steps.
fn select(mut x: u64, r: usize) -> usize {
    let mut r = r as u32;
    let mut base = 0;
    while base < 56 {
        let c = u32::from(BYTE_ONES[(x & 0xff) as usize]);
        if r < c {
            break;
        }
        r -= c;
        x >>= 8;
        base += 8;
    }
    for _ in 0..r {
        x &= x - 1;
    }
    base + x.trailing_zeros() as usize
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
        let mut empty = AliveSet::full(0);
        assert_eq!(empty.kth(0), None);
        assert!(empty.remaining().is_empty());
    }

    #[test]
    fn take_sorted_equals_lookups_then_removals() {
        for n in [1usize, 63, 64, 200, 1000] {
            let mut a = AliveSet::full(n);
            let mut b = AliveSet::full(n);
            let mut round = 0usize;
            while a.len() > 0 {
                round += 1;
                let len = a.len();
                let ranks: Vec<usize> = (0..len)
                    .filter(|r| (r * 7 + round).is_multiple_of(5))
                    .collect();
                let want: Vec<usize> = ranks.iter().filter_map(|&r| b.kth(r)).collect();
                for &p in &want {
                    b.remove(p);
                }
                assert_eq!(a.take_sorted(&ranks), want, "n {n} round {round}");
                assert_eq!(a.remaining(), b.remaining());
                if ranks.is_empty() {
                    let last = a.len() - 1;
                    assert_eq!(
                        a.take_sorted(&[last, last + 5]),
                        b.kth(last).into_iter().collect::<Vec<_>>()
                    );
                    let p = b.kth(last).unwrap();
                    b.remove(p);
                }
            }
        }
    }

    #[test]
    fn far_ranks_are_found_through_the_tree() {
        // Gaps of far more than SWEEP_WORDS words between ranks.
        let n = 100_000;
        let mut a = AliveSet::full(n);
        let mut b = AliveSet::full(n);
        for round in 0..50 {
            let len = a.len();
            let ranks = [round, len / 3, len / 2 + round, len - 1];
            let want: Vec<usize> = ranks.iter().filter_map(|&r| b.kth(r)).collect();
            for &p in &want {
                b.remove(p);
            }
            assert_eq!(a.take_sorted(&ranks), want, "round {round}");
            assert_eq!(a.len(), b.len());
        }
        assert_eq!(a.remaining(), b.remaining());
    }

    #[test]
    fn select_finds_each_set_bit() {
        for x in [1u64, u64::MAX, 0x8000_0000_0000_0001, 0xf0f0_0000_ff00_0102] {
            let want: Vec<usize> = (0..64).filter(|b| x >> b & 1 == 1).collect();
            for (r, &b) in want.iter().enumerate() {
                assert_eq!(select(x, r), b, "{x:#x} {r}");
            }
        }
    }

    #[test]
    fn matches_a_plain_vector() {
        // Sizes around word boundaries, removals spread over several words.
        for n in [37usize, 64, 65, 200] {
            check_against_vector(n);
        }
    }

    fn check_against_vector(n: usize) {
        let mut s = AliveSet::full(n);
        let mut v: Vec<usize> = (0..n).collect();
        for step in [3usize, 7, 1, 20, 0, 11, 63, 64, 130, 5, 5, 99] {
            if v.is_empty() {
                break;
            }
            let k = step % v.len();
            assert_eq!(s.kth(k), Some(v[k]));
            s.remove(v[k]);
            v.remove(k);
            for (i, x) in v.iter().enumerate() {
                assert_eq!(s.kth(i), Some(*x));
            }
            assert_eq!(s.kth(v.len()), None);
            assert_eq!(s.len(), v.len());
            assert_eq!(s.remaining(), v);
        }
    }
}
