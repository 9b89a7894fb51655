//! [`RawNode`]: one raw record of an advanced plugin's inventory (SCHEDULING.md §2.3), `key →
//! value` as the scheduler printed it.
//!
//! A 100 000-node inventory is read on every invocation, so a record is two allocations (one
//! text buffer holding every key and value back to back, one list of field ends) instead of a
//! map with two strings per field. Records are small (a dozen fields), so lookups scan the
//! fields; the first field of a key wins, as in the scheduler's own output where a key never
//! repeats.

use std::fmt;

/// End offsets in [`RawNode::text`] of one field: its key ends at `key_end`, its value at
/// `value_end`; the key starts where the previous field's value ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Field {
    key_end: usize,
    value_end: usize,
}

/// A map of distinct keys to values, in insertion order.
#[derive(Clone, Default)]
pub struct RawNode {
    text: String,
    fields: Vec<Field>,
}

impl RawNode {
    pub fn new() -> Self {
        RawNode::default()
    }

    /// An empty record with room for `fields` fields of `bytes` bytes of keys and values.
    pub fn with_capacity(fields: usize, bytes: usize) -> Self {
        RawNode {
            text: String::with_capacity(bytes),
            fields: Vec::with_capacity(fields),
        }
    }

    /// The record of `pairs`, whose keys the caller has already made distinct (a parser that
    /// drops repeats as it reads): sized exactly, and no key is searched for. Debug builds
    /// check the keys.
    pub fn from_distinct(pairs: &[(&str, &str)]) -> Self {
        debug_assert!(
            pairs
                .iter()
                .enumerate()
                .all(|(i, (k, _))| pairs[..i].iter().all(|(e, _)| e != k)),
            "repeated key in {pairs:?}"
        );
        let bytes = pairs.iter().map(|(k, v)| k.len() + v.len()).sum();
        let mut rec = RawNode::with_capacity(pairs.len(), bytes);
        for (k, v) in pairs {
            rec.push(k, v);
        }
        rec
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The fields in insertion order.
    pub fn iter(&self) -> Fields<'_> {
        Fields {
            text: &self.text,
            fields: self.fields.iter(),
            start: 0,
        }
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> + '_ {
        self.iter().map(|(k, _)| k)
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Adds `key = value` unless `key` is already present (then the record is unchanged and
    /// `false` is returned): the first value of a key wins.
    pub fn push_first(&mut self, key: &str, value: &str) -> bool {
        if self.contains_key(key) {
            return false;
        }
        self.push(key, value);
        true
    }

    /// Sets `key` to `value`, replacing an earlier value (the field keeps its position).
    pub fn insert(&mut self, key: impl AsRef<str>, value: impl AsRef<str>) {
        let (key, value) = (key.as_ref(), value.as_ref());
        if !self.contains_key(key) {
            self.push(key, value);
            return;
        }
        let mut rebuilt = RawNode::with_capacity(self.fields.len(), self.text.len());
        for (k, v) in self.iter() {
            rebuilt.push(k, if k == key { value } else { v });
        }
        *self = rebuilt;
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<String> {
        let old = self.get(key)?.to_string();
        let mut rebuilt = RawNode::with_capacity(self.fields.len(), self.text.len());
        for (k, v) in self.iter().filter(|(k, _)| *k != key) {
            rebuilt.push(k, v);
        }
        *self = rebuilt;
        Some(old)
    }

    fn push(&mut self, key: &str, value: &str) {
        self.text.push_str(key);
        let key_end = self.text.len();
        self.text.push_str(value);
        let value_end = self.text.len();
        self.fields.push(Field { key_end, value_end });
    }
}

/// The `(key, value)` fields of a [`RawNode`], in insertion order.
#[derive(Debug, Clone)]
pub struct Fields<'a> {
    text: &'a str,
    fields: std::slice::Iter<'a, Field>,
    start: usize,
}

impl<'a> Iterator for Fields<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let f = self.fields.next()?;
        let pair = (
            &self.text[self.start..f.key_end],
            &self.text[f.key_end..f.value_end],
        );
        self.start = f.value_end;
        Some(pair)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.fields.size_hint()
    }
}

impl<'a> IntoIterator for &'a RawNode {
    type Item = (&'a str, &'a str);
    type IntoIter = Fields<'a>;

    fn into_iter(self) -> Fields<'a> {
        self.iter()
    }
}

/// Equal when both hold the same keys with the same values, in any order.
impl PartialEq for RawNode {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl Eq for RawNode {}

impl fmt::Debug for RawNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: AsRef<str>, V: AsRef<str>> FromIterator<(K, V)> for RawNode {
    /// Later pairs of a repeated key replace earlier ones, as in a map.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut rec = RawNode::new();
        for (k, v) in iter {
            rec.insert(k, v);
        }
        rec
    }
}

impl<K: AsRef<str>, V: AsRef<str>, const N: usize> From<[(K, V); N]> for RawNode {
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_semantics() {
        let mut r = RawNode::new();
        assert!(r.is_empty());
        assert!(r.push_first("NodeName", "cn1"));
        assert!(r.push_first("State", "IDLE"));
        assert!(r.push_first("Empty", ""));
        assert!(!r.push_first("State", "DOWN"));
        assert_eq!(r.len(), 3);
        assert_eq!(r.get("State"), Some("IDLE"));
        assert_eq!(r.get("Empty"), Some(""));
        assert_eq!(r.get("Stat"), None);
        r.insert("State", "MIXED");
        r.insert("Arch", "x86_64");
        assert_eq!(
            r.iter().collect::<Vec<_>>(),
            [
                ("NodeName", "cn1"),
                ("State", "MIXED"),
                ("Empty", ""),
                ("Arch", "x86_64")
            ]
        );
        assert_eq!(
            r.keys().collect::<Vec<_>>(),
            ["NodeName", "State", "Empty", "Arch"]
        );
        assert_eq!(r.remove("Empty").as_deref(), Some(""));
        assert_eq!(r.remove("Empty"), None);
        assert_eq!(r.get("Arch"), Some("x86_64"));
        assert_eq!(r.len(), 3);
    }

    #[test]
    fn equality_ignores_order_and_debug_is_a_map() {
        let a = RawNode::from([("a", "1"), ("b", "2")]);
        let b = RawNode::from([("b", "2"), ("a", "1")]);
        assert_eq!(a, b);
        assert_ne!(a, RawNode::from([("a", "1"), ("b", "3")]));
        assert_ne!(a, RawNode::from([("a", "1")]));
        assert_eq!(format!("{a:?}"), r#"{"a": "1", "b": "2"}"#);
        let later_wins: RawNode = [("k", "1"), ("k", "2")].into_iter().collect();
        assert_eq!(later_wins.get("k"), Some("2"));
        assert_eq!(later_wins.len(), 1);
        let d = RawNode::from_distinct(&[("x", "1"), ("y", "")]);
        assert_eq!(d, RawNode::from([("y", ""), ("x", "1")]));
    }

    #[test]
    fn keys_are_not_confused_with_neighbouring_text() {
        // Key and value text run together in one buffer; boundaries come from the offsets.
        let r = RawNode::from([("ab", "cd"), ("abc", "d"), ("", "x")]);
        assert_eq!(r.get("ab"), Some("cd"));
        assert_eq!(r.get("abc"), Some("d"));
        assert_eq!(r.get("abcd"), None);
        assert_eq!(r.get(""), Some("x"));
    }
}
