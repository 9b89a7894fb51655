//! Key paths (`hello.run.cmds.0`) built while walking a tree, without allocating per node.
//!
//! A path is a chain of borrowed segments on the walker's stack; it is turned into a string only
//! when an error needs it, so deserializing a 5,000-test suite does not format 5,000 paths.

/// One step of a key path, linked to its parent.
#[derive(Clone, Copy, Debug)]
pub(crate) enum KeyPath<'a> {
    /// The start: the caller's prefix (e.g. the test name), possibly empty.
    Root(&'a str),
    /// A mapping key below `parent`.
    Key(&'a KeyPath<'a>, &'a str),
    /// A list index below `parent`.
    Index(&'a KeyPath<'a>, usize),
}

impl<'a> KeyPath<'a> {
    /// The dotted path, or `None` for an empty root.
    pub(crate) fn render(&self) -> Option<String> {
        let mut parts: Vec<String> = Vec::new();
        let mut at = *self;
        loop {
            match at {
                KeyPath::Root(prefix) => {
                    if !prefix.is_empty() {
                        parts.push(prefix.to_owned());
                    }
                    break;
                }
                KeyPath::Key(parent, key) => {
                    parts.push(key.to_owned());
                    at = *parent;
                }
                KeyPath::Index(parent, index) => {
                    parts.push(index.to_string());
                    at = *parent;
                }
            }
        }
        if parts.is_empty() {
            return None;
        }
        parts.reverse();
        Some(parts.join("."))
    }

    /// The path one key further down.
    pub(crate) fn key(&'a self, key: &'a str) -> KeyPath<'a> {
        KeyPath::Key(self, key)
    }

    /// The path one list index further down.
    pub(crate) fn index(&'a self, index: usize) -> KeyPath<'a> {
        KeyPath::Index(self, index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_keys_and_indexes_with_dots() {
        let root = KeyPath::Root("hello");
        let run = root.key("run");
        let cmds = run.key("cmds");
        let first = cmds.index(0);
        assert_eq!(first.render().as_deref(), Some("hello.run.cmds.0"));
        assert_eq!(root.render().as_deref(), Some("hello"));
    }

    #[test]
    fn empty_root_is_no_path() {
        let root = KeyPath::Root("");
        assert_eq!(root.render(), None);
        assert_eq!(root.key("a").render().as_deref(), Some("a"));
    }
}
