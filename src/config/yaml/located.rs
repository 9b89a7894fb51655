//! Typed config values that keep their location: [`Located<T>`] fields and raw [`Node`] fields.
//!
//! serde has no way to pass a span through a `Deserialize` impl, so the located deserializer
//! recognises two reserved newtype-struct names and hands the span (or the whole subtree) over
//! through a thread-local slot that the matching visitor empties immediately. This is the same
//! trick `toml`'s `Spanned` and `serde_json`'s `RawValue` use, in safe code.

use std::cell::Cell;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use super::node::{Node, NodeKind};
use super::source::Span;

/// Reserved newtype name: "give me this value's span".
pub(crate) const LOCATED: &str = "$loggia::config::yaml::Located";
/// Reserved newtype name: "give me this subtree as a node".
pub(crate) const RAW_NODE: &str = "$loggia::config::yaml::Node";

/// What the deserializer hands to the visitor.
pub(crate) enum Handoff {
    Span(Span),
    Node(Node),
}

thread_local! {
    static SLOT: Cell<Option<Handoff>> = const { Cell::new(None) };
}

/// Puts a span or node in the slot for the visitor that is about to run.
pub(crate) fn offer(handoff: Handoff) {
    SLOT.with(|slot| slot.set(Some(handoff)));
}

/// Empties the slot (also called after the visitor returns, so nothing stale survives an error).
pub(crate) fn take() -> Option<Handoff> {
    SLOT.with(Cell::take)
}

/// A typed value and where it was written, so later stages (expressions, variables) can point at
/// the exact place: `cmds: Vec<Located<String>>`.
///
/// Comparison, ordering and hashing look at the value only; the span is metadata.
#[derive(Clone, Debug)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Located<T> {
    /// A value with its location.
    pub fn new(value: T, span: Span) -> Self {
        Located { value, span }
    }

    /// The value without its location.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> Deref for Located<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: PartialEq> PartialEq for Located<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for Located<T> {}

impl<T: PartialOrd> PartialOrd for Located<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.value.partial_cmp(&other.value)
    }
}

impl<T: Ord> Ord for Located<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.cmp(&other.value)
    }
}

impl<T: Hash> Hash for Located<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Located<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(LOCATED, LocatedVisitor(std::marker::PhantomData))
    }
}

struct LocatedVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for LocatedVisitor<T> {
    type Value = Located<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value read from a YAML config file")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, inner: D) -> Result<Located<T>, D::Error> {
        // Taken before deserializing the value: the value's own fields may use the slot.
        let Some(Handoff::Span(span)) = take() else {
            return Err(de::Error::custom(
                "a located value can only be read from a loggia YAML config node",
            ));
        };
        let value = T::deserialize(inner)?;
        Ok(Located { value, span })
    }
}

impl<T: Serialize> Serialize for Located<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

/// A struct field of type `Node` receives the raw located subtree (e.g. `variables`, which merge
/// and validate by their own rules).
impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(RAW_NODE, NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML config node")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, _inner: D) -> Result<Node, D::Error> {
        match take() {
            Some(Handoff::Node(node)) => Ok(node),
            _ => Err(de::Error::custom(
                "a config node can only be read from a loggia YAML config node",
            )),
        }
    }
}

/// Nodes serialize as plain data: strings, `null`, lists and (ordered) maps.
impl Serialize for Node {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.kind {
            NodeKind::Null => serializer.serialize_unit(),
            NodeKind::Scalar(text) => serializer.serialize_str(text),
            NodeKind::Seq(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            NodeKind::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(&key.name, value)?;
                }
                map.end()
            }
        }
    }
}
