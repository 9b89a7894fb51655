//! A serde `Deserializer` over the located tree: typed config structs are read straight from a
//! [`Node`], and every error carries the span and key path of the node or key being visited.
//!
//! Shapes follow the config spec: a scalar where a list is expected is a one-item list (Y3); an
//! empty value where a list, mapping or struct is expected is an empty one; leaves are text until
//! a field asks for a number or boolean. Unknown keys (with `deny_unknown_fields`) are reported at
//! the key with a did-you-mean; missing keys at the key that owns the mapping.

use serde::de::{
    DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

use super::de_scalar::{enum_shape_error, ScalarDe};
use super::error::{ConfigError, ErrorKind};
use super::located::{offer, take, Handoff, LOCATED, RAW_NODE};
use super::node::{Key, Node, NodeKind};
use super::path::KeyPath;
use super::source::Span;

/// Deserializes `node` into `T`; `path_prefix` starts every key path in errors (e.g. the test
/// name `hello`, giving `hello.run.cmds`), and may be empty.
pub fn from_node<T: DeserializeOwned>(node: &Node, path_prefix: &str) -> Result<T, ConfigError> {
    let root = KeyPath::Root(path_prefix);
    T::deserialize(NodeDe {
        node,
        path: &root,
        owner: None,
    })
    .map_err(|err| err.locate(&node.span, &root))
}

/// A node being deserialized, with its key path and the key it is the value of.
#[derive(Clone, Copy)]
struct NodeDe<'a> {
    node: &'a Node,
    path: &'a KeyPath<'a>,
    /// The key this node is the value of; missing-key errors point there, because "missing
    /// 'cmds' in 'run'" reads best next to `run:`.
    owner: Option<&'a Span>,
}

impl<'a> NodeDe<'a> {
    fn fail(&self, err: ConfigError) -> ConfigError {
        err.locate(&self.node.span, self.path)
    }

    /// Errors raised by a struct or map visitor itself (missing keys) belong to the owning key.
    fn fail_container(&self, err: ConfigError) -> ConfigError {
        err.locate(self.owner.unwrap_or(&self.node.span), self.path)
    }

    fn type_error(&self, what: &str) -> ConfigError {
        self.fail(ConfigError::expected_found(what, &self.node.describe()))
    }

    fn scalar(&self, what: &str) -> Result<ScalarDe<'a>, ConfigError> {
        match &self.node.kind {
            NodeKind::Scalar(text) => Ok(ScalarDe::new(text, &self.node.span, self.path)),
            _ => Err(self.type_error(what)),
        }
    }

    fn seq_access(&self, what: &str) -> Result<SeqDe<'a>, ConfigError> {
        let (items, single) = match &self.node.kind {
            NodeKind::Seq(items) => (items.as_slice(), false),
            NodeKind::Scalar(_) => (std::slice::from_ref(self.node), true),
            NodeKind::Null => (&[][..], false),
            NodeKind::Map(_) => return Err(self.type_error(what)),
        };
        Ok(SeqDe {
            items: items.iter().enumerate(),
            path: self.path,
            single,
        })
    }

    fn map_access(&self) -> Result<MapDe<'a>, ConfigError> {
        match &self.node.kind {
            NodeKind::Map(entries) => Ok(MapDe::new(entries, self.path)),
            NodeKind::Null => Ok(MapDe::new(&[], self.path)),
            _ => Err(self.type_error("a mapping")),
        }
    }

    fn visit_container<'de, V: Visitor<'de>>(&self, visitor: V) -> Result<V::Value, ConfigError> {
        let mut access = self.map_access()?;
        visitor.visit_map(&mut access).map_err(|err| {
            // A key given twice under two serde aliases: blame the second one.
            match (err.kind, access.current_key()) {
                (ErrorKind::DuplicateKey, Some(key)) if err.span.is_none() => {
                    err.locate(&key.span, self.path)
                }
                _ => self.fail_container(err),
            }
        })
    }
}

macro_rules! scalar_forward {
    ($($method:ident => $what:literal;)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ConfigError> {
            self.scalar($what)?.$method(visitor)
        }
    )*};
}

impl<'de> Deserializer<'de> for NodeDe<'_> {
    type Error = ConfigError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ConfigError> {
        match &self.node.kind {
            NodeKind::Null => visitor.visit_unit().map_err(|err| self.fail(err)),
            NodeKind::Scalar(text) => visitor.visit_str(text).map_err(|err| self.fail(err)),
            NodeKind::Seq(_) => self.deserialize_seq(visitor),
            NodeKind::Map(_) => self.deserialize_map(visitor),
        }
    }

    scalar_forward! {
        deserialize_bool => "a boolean (true, false, yes or no)";
        deserialize_i8 => "an integer";
        deserialize_i16 => "an integer";
        deserialize_i32 => "an integer";
        deserialize_i64 => "an integer";
        deserialize_i128 => "an integer";
        deserialize_u8 => "an integer";
        deserialize_u16 => "an integer";
        deserialize_u32 => "an integer";
        deserialize_u64 => "an integer";
        deserialize_u128 => "an integer";
        deserialize_f32 => "a number";
        deserialize_f64 => "a number";
        deserialize_char => "a single character";
        deserialize_str => "a string";
        deserialize_string => "a string";
        deserialize_bytes => "a string";
        deserialize_byte_buf => "a string";
        deserialize_identifier => "a name";
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ConfigError> {
        match self.node.kind {
            NodeKind::Null => visitor.visit_none().map_err(|err| self.fail(err)),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ConfigError> {
        match self.node.kind {
            NodeKind::Null => visitor.visit_unit().map_err(|err| self.fail(err)),
            _ => Err(self.type_error("an empty value")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ConfigError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ConfigError> {
        if name == LOCATED {
            offer(Handoff::Span(self.node.span.clone()));
        } else if name == RAW_NODE {
            offer(Handoff::Node(self.node.clone()));
        }
        let result = visitor.visit_newtype_struct(self);
        // The visitor takes the handoff first thing; clear it in case it failed before that.
        take();
        result.map_err(|err| self.fail(err))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ConfigError> {
        let access = self.seq_access("a list")?;
        visitor.visit_seq(access).map_err(|err| self.fail(err))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, ConfigError> {
        let what = format!("a list of {len} items");
        let access = self.seq_access(&what)?;
        if access.items.len() != len {
            let found = access.items.len();
            let items = if found == 1 { "item" } else { "items" };
            return Err(self.fail(ConfigError::expected_found(
                &what,
                &format!("{found} {items}"),
            )));
        }
        visitor.visit_seq(access).map_err(|err| self.fail(err))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, ConfigError> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ConfigError> {
        self.visit_container(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ConfigError> {
        self.visit_container(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ConfigError> {
        match &self.node.kind {
            NodeKind::Scalar(text) => ScalarDe::new(text, &self.node.span, self.path)
                .deserialize_enum("", variants, visitor),
            NodeKind::Map(entries) if entries.len() == 1 => {
                let access = MapEnum {
                    entry: &entries[0],
                    path: self.path,
                };
                visitor.visit_enum(access).map_err(|err| self.fail(err))
            }
            _ => Err(self.fail(enum_shape_error(&self.node.describe(), variants))),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ConfigError> {
        visitor.visit_unit()
    }
}

/// The items of a list (or the single scalar standing for one, spec Y3).
struct SeqDe<'a> {
    items: std::iter::Enumerate<std::slice::Iter<'a, Node>>,
    path: &'a KeyPath<'a>,
    /// A scalar read as a one-item list: its path stays the key's, without a `.0`.
    single: bool,
}

impl<'de> SeqAccess<'de> for SeqDe<'_> {
    type Error = ConfigError;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, ConfigError> {
        let Some((index, node)) = self.items.next() else {
            return Ok(None);
        };
        let indexed = self.path.index(index);
        let path = if self.single { self.path } else { &indexed };
        // Errors raised after the value was read (`deserialize_with` checks) are located here.
        seed.deserialize(NodeDe {
            node,
            path,
            owner: None,
        })
        .map(Some)
        .map_err(|err| err.locate(&node.span, path))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// The entries of a mapping.
struct MapDe<'a> {
    entries: std::slice::Iter<'a, (Key, Node)>,
    /// The entry whose key was just read.
    current: Option<&'a (Key, Node)>,
    path: &'a KeyPath<'a>,
}

impl<'a> MapDe<'a> {
    fn new(entries: &'a [(Key, Node)], path: &'a KeyPath<'a>) -> Self {
        MapDe {
            entries: entries.iter(),
            current: None,
            path,
        }
    }

    fn current_key(&self) -> Option<&'a Key> {
        self.current.map(|(key, _)| key)
    }
}

impl<'de> MapAccess<'de> for MapDe<'_> {
    type Error = ConfigError;

    fn next_key_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, ConfigError> {
        let Some(entry) = self.entries.next() else {
            return Ok(None);
        };
        self.current = Some(entry);
        let (key, _) = entry;
        seed.deserialize(ScalarDe::new(&key.name, &key.span, self.path))
            .map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, ConfigError> {
        let Some((key, value)) = self.current else {
            return Err(ConfigError::new(
                ErrorKind::Other,
                "internal error: a mapping value was read before its key",
            ));
        };
        let path = self.path.key(&key.name);
        seed.deserialize(NodeDe {
            node: value,
            path: &path,
            owner: Some(&key.span),
        })
        .map_err(|err| err.locate(&value.span, &path))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// An enum written as a one-key mapping: `variant: value`.
struct MapEnum<'a> {
    entry: &'a (Key, Node),
    path: &'a KeyPath<'a>,
}

impl<'de, 'a> EnumAccess<'de> for MapEnum<'a> {
    type Error = ConfigError;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self), ConfigError> {
        let (key, _) = self.entry;
        let variant = seed.deserialize(ScalarDe::new(&key.name, &key.span, self.path))?;
        Ok((variant, self))
    }
}

impl<'a> MapEnum<'a> {
    fn with_value<T>(
        &self,
        f: impl FnOnce(NodeDe<'_>) -> Result<T, ConfigError>,
    ) -> Result<T, ConfigError> {
        let (key, value) = self.entry;
        let path = self.path.key(&key.name);
        f(NodeDe {
            node: value,
            path: &path,
            owner: Some(&key.span),
        })
        .map_err(|err| err.locate(&value.span, &path))
    }
}

impl<'de> VariantAccess<'de> for MapEnum<'_> {
    type Error = ConfigError;

    fn unit_variant(self) -> Result<(), ConfigError> {
        self.with_value(|value| match value.node.kind {
            NodeKind::Null => Ok(()),
            _ => Err(value.type_error("an empty value")),
        })
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<S::Value, ConfigError> {
        self.with_value(|value| seed.deserialize(value))
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, ConfigError> {
        self.with_value(|value| value.deserialize_tuple(len, visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ConfigError> {
        self.with_value(|value| value.deserialize_struct("", fields, visitor))
    }
}
