//! The located, untyped config tree: every key and value remembers where it was written.
//!
//! Leaves are strings (spec Y2), so the tree is small: null, scalar, list, mapping. Mappings keep
//! their entries in file order in a `Vec`, because config order matters (env exports, variables)
//! and suites are read front to back far more often than probed by key.

use std::fmt;

use super::source::Span;

/// What a node holds.
#[derive(Clone, Debug)]
pub enum NodeKind {
    /// `~`, `null`, or nothing at all after a key.
    Null,
    /// Any scalar as its source text (plain booleans normalised to `True`/`False`, spec Y2).
    Scalar(String),
    /// A list.
    Seq(Vec<Node>),
    /// A mapping in file order; keys are unique.
    Map(Vec<(Key, Node)>),
}

/// A mapping key and where it was written.
#[derive(Clone, Debug)]
pub struct Key {
    /// The key's text exactly as written (keys are never converted, not even `yes`).
    pub name: String,
    /// The location of the key itself.
    pub span: Span,
}

impl Key {
    /// A key with the given name at the given place.
    pub fn new(name: impl Into<String>, span: Span) -> Key {
        Key {
            name: name.into(),
            span,
        }
    }
}

/// A value and where it was written.
#[derive(Clone, Debug)]
pub struct Node {
    /// The value.
    pub kind: NodeKind,
    /// Where the value starts (for block collections: their first entry).
    pub span: Span,
}

impl Node {
    /// A node made by code rather than read from a file (defaults, overrides); `span` says which
    /// file or place it should be blamed on.
    pub fn synthetic(kind: NodeKind, span: Span) -> Node {
        Node { kind, span }
    }

    /// The value of `key` if this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.get_entry(key).map(|(_, value)| value)
    }

    /// The key (with its span) and value of `key` if this is a mapping that has it.
    pub fn get_entry(&self, key: &str) -> Option<(&Key, &Node)> {
        self.entries()
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(k, v)| (k, v))
    }

    /// A mutable reference to the value of `key` if this is a mapping that has it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match &mut self.kind {
            NodeKind::Map(entries) => entries
                .iter_mut()
                .find(|(k, _)| k.name == key)
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// Sets `key` in a mapping: replaces the value in place (keeping the entry's position) or
    /// appends a new entry. Returns the node back unchanged as `Err` if this is not a mapping.
    pub fn set(&mut self, key: Key, value: Node) -> Result<(), Node> {
        match &mut self.kind {
            NodeKind::Map(entries) => {
                match entries.iter_mut().find(|(k, _)| k.name == key.name) {
                    Some(entry) => *entry = (key, value),
                    None => entries.push((key, value)),
                }
                Ok(())
            }
            _ => Err(value),
        }
    }

    /// Removes `key` from a mapping, returning its entry.
    pub fn remove(&mut self, key: &str) -> Option<(Key, Node)> {
        match &mut self.kind {
            NodeKind::Map(entries) => {
                let index = entries.iter().position(|(k, _)| k.name == key)?;
                Some(entries.remove(index))
            }
            _ => None,
        }
    }

    /// The entries of a mapping in file order; empty for anything else.
    pub fn entries(&self) -> &[(Key, Node)] {
        match &self.kind {
            NodeKind::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The items of a list; `None` for anything else.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The text of a scalar; `None` for anything else.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar(text) => Some(text),
            _ => None,
        }
    }

    /// Whether this is a null (`~`, `null` or an empty value).
    pub fn is_null(&self) -> bool {
        matches!(self.kind, NodeKind::Null)
    }

    /// Whether this is a mapping.
    pub fn is_map(&self) -> bool {
        matches!(self.kind, NodeKind::Map(_))
    }

    /// What this node is, as error messages say it: `'text'`, `a list`, `a mapping`, …
    pub fn describe(&self) -> String {
        match &self.kind {
            NodeKind::Null => "an empty value".to_owned(),
            NodeKind::Scalar(text) => quote_excerpt(text),
            NodeKind::Seq(_) => "a list".to_owned(),
            NodeKind::Map(_) => "a mapping".to_owned(),
        }
    }
}

/// `'text'` for messages: only the first line, at most 40 characters, so a message stays one line.
pub(crate) fn quote_excerpt(text: &str) -> String {
    const MAX: usize = 40;
    let first_line = text.lines().next().unwrap_or("");
    let cut: String = first_line.chars().take(MAX).collect();
    if cut.len() < text.len() {
        format!("'{cut}…'")
    } else {
        format!("'{cut}'")
    }
}

/// A compact JSON rendering (strings, lists, objects, `null`), for logs, `show` commands and
/// tests; spans are not shown.
impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            NodeKind::Null => f.write_str("null"),
            NodeKind::Scalar(text) => write_json_string(f, text),
            NodeKind::Seq(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            NodeKind::Map(entries) => {
                f.write_str("{")?;
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write_json_string(f, &key.name)?;
                    write!(f, ": {value}")?;
                }
                f.write_str("}")
            }
        }
    }
}

fn write_json_string(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in text.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if u32::from(c) < 0x20 => write!(f, "\\u{:04x}", u32::from(c))?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}

#[cfg(test)]
mod tests {
    use super::super::source::Source;
    use super::*;

    fn span() -> Span {
        Span::start_of(Source::new("t.yaml", ""))
    }

    fn scalar(text: &str) -> Node {
        Node::synthetic(NodeKind::Scalar(text.to_owned()), span())
    }

    fn map(entries: &[(&str, Node)]) -> Node {
        let entries = entries
            .iter()
            .map(|(k, v)| (Key::new(*k, span()), v.clone()))
            .collect();
        Node::synthetic(NodeKind::Map(entries), span())
    }

    #[test]
    fn get_set_remove_on_mappings() {
        let mut node = map(&[("a", scalar("1")), ("b", scalar("2"))]);
        assert_eq!(node.get("b").and_then(Node::as_str), Some("2"));
        assert!(node.get("c").is_none());
        assert!(node.set(Key::new("a", span()), scalar("x")).is_ok());
        assert!(node.set(Key::new("c", span()), scalar("3")).is_ok());
        assert_eq!(node.to_string(), r#"{"a": "x", "b": "2", "c": "3"}"#);
        if let Some(value) = node.get_mut("b") {
            value.kind = NodeKind::Null;
        }
        assert_eq!(node.remove("a").map(|(k, _)| k.name), Some("a".to_owned()));
        assert_eq!(node.to_string(), r#"{"b": null, "c": "3"}"#);
    }

    #[test]
    fn non_mappings_have_no_keys() {
        let mut node = scalar("x");
        assert!(node.get("x").is_none());
        assert!(node.entries().is_empty());
        assert!(node.remove("x").is_none());
        assert!(node.set(Key::new("k", span()), scalar("v")).is_err());
        assert_eq!(node.as_str(), Some("x"));
        assert!(node.as_seq().is_none());
    }

    #[test]
    fn display_escapes_like_json() {
        let node = Node::synthetic(
            NodeKind::Seq(vec![scalar("a\"b\\c\nd\u{1}"), scalar("é")]),
            span(),
        );
        assert_eq!(node.to_string(), r#"["a\"b\\c\nd\u0001", "é"]"#);
    }

    #[test]
    fn describe_quotes_and_truncates() {
        assert_eq!(scalar("abc").describe(), "'abc'");
        assert_eq!(scalar("line1\nline2").describe(), "'line1…'");
        let long = "x".repeat(50);
        assert_eq!(scalar(&long).describe(), format!("'{}…'", "x".repeat(40)));
        assert_eq!(map(&[]).describe(), "a mapping");
        assert_eq!(
            Node::synthetic(NodeKind::Null, span()).describe(),
            "an empty value"
        );
    }
}
