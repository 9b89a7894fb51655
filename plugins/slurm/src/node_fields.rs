//! One Slurm node record's kept fields and its NodeInfo (SCHEDULING.md §2.7 table), shared by
//! the contract's `transform` (one record at a time) and the inventory straight from text
//! ([`crate::nodes_text`]), which builds ~100 000 of them per invocation.
//!
//! A node line has ~40 keys of which [`NODE_KEYS`] are read, so the key lookup rejects the others
//! by length before comparing any bytes. States, feature lists and partition lists take a handful
//! of distinct values across a cluster, so a [`NodeBuilder`] parses each distinct text once and
//! copies the result for the other nodes.

use crate::inventory::gres_gpus;
use crate::schema::STATE_DEFAULTS;
use loggia_sched::advanced::{parse_slurm_state, StateSets};
use loggia_sched::{NodeInfo, SchedError, Text};

const MIB: u64 = 1024 * 1024;

/// The node-record keys NodeInfo is built from, in [`Field`] order. Records of the two-step
/// path keep only these ([`crate::inventory::is_node_key`]): allocating all ~35 keys of every
/// node line was most of the cost of reading a 100 000-node inventory.
pub const NODE_KEYS: [&str; 11] = [
    "NodeName",
    "State",
    "CPUTot",
    "RealMemory",
    "AllocMem",
    "Gres",
    "ActiveFeatures",
    "Features",
    "Partitions",
    "Arch",
    "Reason",
];

/// One of [`NODE_KEYS`], as its index there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Name,
    State,
    Cpus,
    RealMemory,
    AllocMem,
    Gres,
    ActiveFeatures,
    Features,
    Partitions,
    Arch,
    Reason,
}

impl Field {
    /// The field of `key`, `None` for the keys NodeInfo does not read. The length decides first,
    /// since most keys of a node line have a length no kept key has; then the bytes are compared
    /// as fixed-size arrays, which compile to a word or two of integer compares.
    #[inline]
    pub(crate) fn of(key: &str) -> Option<Field> {
        let k = key.as_bytes();
        let field = match k.len() {
            4 if is(k, b"Gres") => Field::Gres,
            4 if is(k, b"Arch") => Field::Arch,
            5 if is(k, b"State") => Field::State,
            6 if is(k, b"CPUTot") => Field::Cpus,
            6 if is(k, b"Reason") => Field::Reason,
            8 if is(k, b"NodeName") => Field::Name,
            8 if is(k, b"AllocMem") => Field::AllocMem,
            8 if is(k, b"Features") => Field::Features,
            10 if is(k, b"RealMemory") => Field::RealMemory,
            10 if is(k, b"Partitions") => Field::Partitions,
            14 if is(k, b"ActiveFeatures") => Field::ActiveFeatures,
            _ => return None,
        };
        Some(field)
    }
}

/// Whether `key` is `lit`.
#[inline(always)]
fn is<const N: usize>(key: &[u8], lit: &[u8; N]) -> bool {
    <&[u8; N]>::try_from(key).is_ok_and(|k| k == lit)
}

/// The [`NODE_KEYS`] values of one record, gathered in one pass over it. The first present
/// value of a key wins: a placeholder (`None`) leaves the field open, as the record parser drops
/// placeholders before it keeps a key's first value.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct NodeFields<'a> {
    values: [Option<&'a str>; NODE_KEYS.len()],
}

impl<'a> NodeFields<'a> {
    pub(crate) fn get(&self, field: Field) -> Option<&'a str> {
        self.values[field as usize]
    }

    /// The field of `key` when it is one of [`NODE_KEYS`] without a value yet.
    #[inline]
    pub(crate) fn wants(&self, key: &str) -> Option<Field> {
        Field::of(key).filter(|&f| self.values[f as usize].is_none())
    }

    /// Sets `field` unless it has a value.
    #[inline]
    pub(crate) fn put(&mut self, field: Field, value: Option<&'a str>) {
        let slot = &mut self.values[field as usize];
        if slot.is_none() {
            *slot = value;
        }
    }
}

/// Parsed values per distinct text, for the few texts a cluster's nodes share. Bounded, so
/// that an inventory of all-distinct values only costs the failed lookups.
struct Memo<'a, T> {
    entries: Vec<(&'a str, T)>,
}

impl<'a, T: Clone> Memo<'a, T> {
    /// Distinct texts remembered; state, feature and partition texts are far fewer than this
    /// on real clusters.
    const MAX: usize = 16;

    fn new() -> Self {
        Memo {
            entries: Vec::new(),
        }
    }

    fn get(&mut self, text: &'a str, parse: impl FnOnce(&str) -> T) -> T {
        if let Some((_, v)) = self.entries.iter().find(|(t, _)| *t == text) {
            return v.clone();
        }
        let v = parse(text);
        if self.entries.len() < Self::MAX {
            self.entries.push((text, v.clone()));
        }
        v
    }
}

/// Node states with the plugin's default classification `(states, up, available)`.
type Classified = (Vec<Text>, bool, bool);

/// Builds NodeInfo from [`NodeFields`], remembering the parse of each distinct state, feature
/// and partition text.
pub(crate) struct NodeBuilder<'a, 'r> {
    reservations_of: &'r dyn Fn(&str) -> Vec<Text>,
    states: Memo<'a, Classified>,
    lists: Memo<'a, Vec<Text>>,
}

impl<'a, 'r> NodeBuilder<'a, 'r> {
    /// `reservations_of(name)` names the reservations holding node `name`.
    pub(crate) fn new(reservations_of: &'r dyn Fn(&str) -> Vec<Text>) -> Self {
        NodeBuilder {
            reservations_of,
            states: Memo::new(),
            lists: Memo::new(),
        }
    }

    /// The NodeInfo of one node's fields; an error when it has no name.
    pub(crate) fn node(&mut self, f: &NodeFields<'a>) -> Result<NodeInfo, SchedError> {
        let name = f
            .get(Field::Name)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| SchedError::msg("Slurm node record has no NodeName"))?;
        let (states, up, available) = match f.get(Field::State) {
            Some(state) => self.states.get(state, classified),
            None => (Vec::new(), false, false),
        };
        let real: Option<u64> = num(f.get(Field::RealMemory));
        let alloc: Option<u64> = num(f.get(Field::AllocMem));
        let features = f.get(Field::ActiveFeatures).or(f.get(Field::Features));
        let mut node = NodeInfo {
            name: name.into(),
            up,
            available,
            states,
            cpus: num(f.get(Field::Cpus)),
            mem: real.and_then(|m| m.checked_mul(MIB)),
            mem_free: real
                .zip(alloc)
                .and_then(|(r, a)| r.saturating_sub(a).checked_mul(MIB)),
            gpus: f.get(Field::Gres).and_then(gres_gpus),
            partitions: Some(self.list(f.get(Field::Partitions))),
            reservations: Some((self.reservations_of)(name)),
            features: self.list(features),
            arch: f.get(Field::Arch).map(Text::from),
            extra: Default::default(),
        };
        if let Some(reason) = f.get(Field::Reason) {
            node.extra.insert("reason".to_string(), reason.to_string());
        }
        Ok(node)
    }

    fn list(&mut self, text: Option<&'a str>) -> Vec<Text> {
        text.map(|t| self.lists.get(t, split_list))
            .unwrap_or_default()
    }
}

/// The state tokens of a `State=` value (§3.2) and their default classification.
fn classified(state: &str) -> Classified {
    let (base, flags) = parse_slurm_state(state);
    if base.is_empty() {
        return (Vec::new(), false, false);
    }
    let mut states = Vec::with_capacity(flags.len() + 1);
    states.push(base);
    states.extend(flags);
    let (up, available) = StateSets::defaults(&STATE_DEFAULTS).classify(&states);
    (states, up, available)
}

fn num<T: std::str::FromStr>(value: Option<&str>) -> Option<T> {
    // Values are seldom padded: trimming only after a failed parse keeps the common case fast.
    let v = value?;
    v.parse().ok().or_else(|| v.trim().parse().ok())
}

fn split_list(s: &str) -> Vec<Text> {
    s.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(Text::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_of_each_kept_key_is_its_index() {
        for (i, key) in NODE_KEYS.iter().enumerate() {
            assert_eq!(Field::of(key).map(|f| f as usize), Some(i), "{key}");
        }
        for other in [
            "", "OS", "Gre", "Gresx", "state", "STATE", "CPUTo", "NodeAddr",
        ] {
            assert_eq!(Field::of(other), None, "{other}");
        }
    }

    #[test]
    fn first_present_value_wins() {
        let mut f = NodeFields::default();
        assert_eq!(f.wants("State"), Some(Field::State));
        f.put(Field::State, None);
        assert_eq!(f.wants("State"), Some(Field::State));
        f.put(Field::State, Some("IDLE"));
        assert_eq!(f.wants("State"), None);
        f.put(Field::State, Some("DOWN"));
        assert_eq!(f.get(Field::State), Some("IDLE"));
        f.put(Field::Arch, Some("x86_64"));
        f.put(Field::Arch, Some("aarch64"));
        assert_eq!(f.get(Field::Arch), Some("x86_64"));
    }

    #[test]
    fn memo_gives_the_parse_for_every_text_beyond_its_bound() {
        let texts: Vec<String> = (0..40).map(|i| format!("f{i},g")).collect();
        let mut memo = Memo::new();
        for _ in 0..2 {
            for t in &texts {
                assert_eq!(memo.get(t, split_list), split_list(t));
            }
        }
        assert_eq!(memo.entries.len(), Memo::<Vec<Text>>::MAX);
    }
}
