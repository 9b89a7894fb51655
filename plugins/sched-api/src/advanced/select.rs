//! Chunk selection (SCHEDULING.md §3.7): the `chunk:` test key ([`ChunkChoice`]) and the
//! per-`schedule_tests`-call assignment of tests to chunks ([`ChunkAssigner`]). The outside
//! world (live job counts, the persisted round-robin counter) comes in through [`SelectEnv`].

use super::chunk::ChunkSet;
use std::collections::HashMap;

/// A chunk-selection strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChunkStrategy {
    /// Also spelled `any` (the default).
    LeastUsed,
    FewestJobs,
    MostFreeMemory,
    RoundRobin,
}

/// The validated `chunk:` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChunkChoice {
    Strategy(ChunkStrategy),
    Index(u64),
}

impl Default for ChunkChoice {
    fn default() -> Self {
        ChunkChoice::Strategy(ChunkStrategy::LeastUsed)
    }
}

/// Parses `chunk:` (empty = `any`). The error is §3.5 check 9's message.
pub fn parse_chunk(value: &str) -> Result<ChunkChoice, String> {
    let v = value.trim();
    let strategy = match v.to_ascii_lowercase().as_str() {
        "" | "any" | "least_used" => Some(ChunkStrategy::LeastUsed),
        "fewest_jobs" => Some(ChunkStrategy::FewestJobs),
        "most_free_memory" => Some(ChunkStrategy::MostFreeMemory),
        "round_robin" => Some(ChunkStrategy::RoundRobin),
        _ => None,
    };
    if let Some(s) = strategy {
        return Ok(ChunkChoice::Strategy(s));
    }
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        // An index too large for u64 is out of range anyway (check 8).
        return Ok(ChunkChoice::Index(v.parse().unwrap_or(u64::MAX)));
    }
    Err(format!(
        "invalid chunk '{v}': expected any, least_used, fewest_jobs, most_free_memory, \
         round_robin or an index"
    ))
}

/// Check 8's message, when `choice` is an index past the end of `count` chunks.
pub fn index_error(choice: ChunkChoice, count: usize) -> Option<String> {
    match choice {
        ChunkChoice::Index(i) if i >= count as u64 => Some(format!(
            "chunk {i} requested but only {count} chunks exist (0-{})",
            count.saturating_sub(1)
        )),
        _ => None,
    }
}

/// What chunk selection needs from outside the process.
pub trait SelectEnv {
    /// loggia jobs of this working_dir with incomplete tests whose recorded chunk fingerprint
    /// is `fingerprint` (`fewest_jobs`).
    fn live_jobs(&self, _fingerprint: u64) -> u64 {
        0
    }

    /// The persisted round-robin counter of the chunk list `list_fingerprint`
    /// (`working_dir/sched/<plugin>/rr-<hex>` under a file lock): returns the current value and
    /// stores it plus one.
    fn round_robin_next(&mut self, list_fingerprint: u64) -> Result<u64, String>;
}

/// An in-memory [`SelectEnv`]: fixed live-job counts and counters that start at 0.
#[derive(Debug, Clone, Default)]
pub struct MemoryEnv {
    pub live: HashMap<u64, u64>,
    pub counters: HashMap<u64, u64>,
}

impl SelectEnv for MemoryEnv {
    fn live_jobs(&self, fingerprint: u64) -> u64 {
        self.live.get(&fingerprint).copied().unwrap_or(0)
    }

    fn round_robin_next(&mut self, list_fingerprint: u64) -> Result<u64, String> {
        let c = self.counters.entry(list_fingerprint).or_insert(0);
        let v = *c;
        *c += 1;
        Ok(v)
    }
}

/// `assigned[c]` for one `schedule_tests` call; chunk identity is `(set id, index)`.
#[derive(Debug, Clone, Default)]
pub struct ChunkAssigner {
    assigned: HashMap<(usize, usize), u64>,
}

/// `a · b` as a 256-bit number `(high, low)`, for exact rational comparison.
fn mul_wide(a: u128, b: u64) -> (u128, u128) {
    let (a_hi, a_lo) = (a >> 64, a & u128::from(u64::MAX));
    let lo = a_lo * u128::from(b);
    let hi = a_hi * u128::from(b);
    let (low, carry) = lo.overflowing_add(hi << 64);
    ((hi >> 64) + u128::from(carry), low)
}

impl ChunkAssigner {
    pub fn new() -> Self {
        Self::default()
    }

    /// Tests already assigned to chunk `index` of set `set_id` in this call.
    pub fn assigned(&self, set_id: usize, index: usize) -> u64 {
        self.assigned.get(&(set_id, index)).copied().unwrap_or(0)
    }

    /// Picks a chunk of `set` for one test (tests must be assigned in test-id order) and counts
    /// it. Errors: an index past the end, or a failing round-robin counter.
    pub fn assign(
        &mut self,
        set: &ChunkSet,
        choice: ChunkChoice,
        env: &mut dyn SelectEnv,
    ) -> Result<usize, String> {
        let n = set.chunks.len();
        if n == 0 {
            return Err("no chunks to choose from".to_string());
        }
        let used = |i: usize| self.assigned(set.id, i);
        let index = match choice {
            ChunkChoice::Index(i) => {
                if let Some(e) = index_error(choice, n) {
                    return Err(e);
                }
                i as usize
            }
            ChunkChoice::Strategy(ChunkStrategy::LeastUsed) => {
                (0..n).min_by_key(|&i| (used(i), i)).unwrap_or(0)
            }
            ChunkChoice::Strategy(ChunkStrategy::FewestJobs) => (0..n)
                .min_by_key(|&i| {
                    (
                        env.live_jobs(set.chunks[i].fingerprint) + used(i),
                        used(i),
                        i,
                    )
                })
                .unwrap_or(0),
            ChunkChoice::Strategy(ChunkStrategy::MostFreeMemory) => {
                let mut best = 0usize;
                for i in 1..n {
                    // free(i)/(1+a_i) > free(b)/(1+a_b)  ⇔  free(i)·(1+a_b) > free(b)·(1+a_i)
                    let lhs = mul_wide(set.chunks[i].free_mem, used(best).saturating_add(1));
                    let rhs = mul_wide(set.chunks[best].free_mem, used(i).saturating_add(1));
                    if lhs > rhs || (lhs == rhs && used(i) < used(best)) {
                        best = i;
                    }
                }
                best
            }
            ChunkChoice::Strategy(ChunkStrategy::RoundRobin) => {
                let c = env.round_robin_next(set.fingerprint)?;
                (c % n as u64) as usize
            }
        };
        *self.assigned.entry((set.id, index)).or_insert(0) += 1;
        Ok(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::advanced::chunk::{Chunk, ChunkKey};
    use crate::schedule::{ChunkExtra, NodeSelection};

    fn set(free: &[u128]) -> ChunkSet {
        ChunkSet {
            id: 0,
            key: ChunkKey {
                list_id: 0,
                k: 1,
                selection: NodeSelection::Contiguous,
                extra: ChunkExtra::Backfill,
                include: vec![],
            },
            chunks: free
                .iter()
                .enumerate()
                .map(|(i, f)| Chunk {
                    nodes: vec![i as u32].into(),
                    fingerprint: 100 + i as u64,
                    free_mem: *f,
                    min_cpus: None,
                })
                .collect(),
            fingerprint: 77,
        }
    }

    #[test]
    fn parsing_and_messages() {
        assert_eq!(
            parse_chunk("any"),
            Ok(ChunkChoice::Strategy(ChunkStrategy::LeastUsed))
        );
        assert_eq!(parse_chunk(""), Ok(ChunkChoice::default()));
        assert_eq!(
            parse_chunk("Round_Robin"),
            Ok(ChunkChoice::Strategy(ChunkStrategy::RoundRobin))
        );
        assert_eq!(parse_chunk(" 3 "), Ok(ChunkChoice::Index(3)));
        assert_eq!(
            parse_chunk("first"),
            Err(
                "invalid chunk 'first': expected any, least_used, fewest_jobs, most_free_memory, \
                 round_robin or an index"
                    .to_string()
            )
        );
        assert!(parse_chunk("-1").is_err());
        assert_eq!(
            index_error(ChunkChoice::Index(4), 4).as_deref(),
            Some("chunk 4 requested but only 4 chunks exist (0-3)")
        );
        assert_eq!(index_error(ChunkChoice::Index(3), 4), None);
    }

    fn picks(s: &ChunkSet, choice: ChunkChoice, env: &mut MemoryEnv, n: usize) -> Vec<usize> {
        let mut a = ChunkAssigner::new();
        (0..n).map(|_| a.assign(s, choice, env).unwrap()).collect()
    }

    #[test]
    fn least_used_spreads_in_index_order() {
        let s = set(&[0, 0, 0]);
        let c = ChunkChoice::Strategy(ChunkStrategy::LeastUsed);
        assert_eq!(
            picks(&s, c, &mut MemoryEnv::default(), 5),
            vec![0, 1, 2, 0, 1]
        );
    }

    #[test]
    fn fewest_jobs_counts_live_jobs() {
        let s = set(&[0, 0, 0]);
        let mut env = MemoryEnv::default();
        env.live.insert(100, 2);
        env.live.insert(101, 1);
        let c = ChunkChoice::Strategy(ChunkStrategy::FewestJobs);
        // Scores: [2,1,0] → 2; [2,1,1] → 1 (tie with 2, fewer assigned); [2,2,1] → 2; [2,2,2] → 0.
        assert_eq!(picks(&s, c, &mut env, 4), vec![2, 1, 2, 0]);
    }

    #[test]
    fn most_free_memory_is_exact() {
        let s = set(&[300, 100, 200]);
        let c = ChunkChoice::Strategy(ChunkStrategy::MostFreeMemory);
        // 300 → then 150 vs 100 vs 200 → 2; then 150,100,100 → 0; then 100,100,100 → tie:
        // fewest assigned is chunk 1.
        assert_eq!(picks(&s, c, &mut MemoryEnv::default(), 4), vec![0, 2, 0, 1]);
        let huge = set(&[u128::MAX, u128::MAX - 1]);
        assert_eq!(picks(&huge, c, &mut MemoryEnv::default(), 2), vec![0, 1]);
    }

    #[test]
    fn round_robin_uses_the_persisted_counter() {
        let s = set(&[0, 0, 0]);
        let mut env = MemoryEnv::default();
        env.counters.insert(77, 5);
        let c = ChunkChoice::Strategy(ChunkStrategy::RoundRobin);
        assert_eq!(picks(&s, c, &mut env, 4), vec![2, 0, 1, 2]);
        assert_eq!(env.counters[&77], 9);
    }

    #[test]
    fn index_and_errors() {
        let s = set(&[0, 0]);
        let mut a = ChunkAssigner::new();
        let mut env = MemoryEnv::default();
        assert_eq!(a.assign(&s, ChunkChoice::Index(1), &mut env), Ok(1));
        assert_eq!(a.assigned(0, 1), 1);
        assert_eq!(
            a.assign(&s, ChunkChoice::Index(2), &mut env),
            Err("chunk 2 requested but only 2 chunks exist (0-1)".to_string())
        );
        struct Broken;
        impl SelectEnv for Broken {
            fn round_robin_next(&mut self, _: u64) -> Result<u64, String> {
                Err("lock failed".into())
            }
        }
        let rr = ChunkChoice::Strategy(ChunkStrategy::RoundRobin);
        assert_eq!(
            a.assign(&s, rr, &mut Broken),
            Err("lock failed".to_string())
        );
    }
}
