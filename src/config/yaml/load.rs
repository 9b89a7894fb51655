//! Reading one YAML document into a located [`Node`] tree.
//!
//! The tree is built from `saphyr-parser` events with an explicit stack (no recursion, so hostile
//! nesting cannot overflow the thread stack), applying the leaf rules of spec Y2 as scalars
//! arrive. Duplicate keys are rejected with a hash map per mapping; anchors and aliases are
//! expanded (within a node budget, so "billion laughs" files fail instead of eating memory), and
//! YAML 1.1 merge keys (`<<: *defaults`) are applied, as Pavilion's YAML loader does.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span as ParserSpan};

use super::error::{ConfigError, ErrorKind};
use super::leaf::{leaf, protect_unknown_escapes, restore_escapes};
use super::node::{Key, Node, NodeKind};
use super::source::{line_char_lengths, Source, Span};

/// Deepest nesting of lists and mappings accepted; real configs stay under 20.
const MAX_DEPTH: usize = 128;

/// Most nodes that alias expansion may create in one file.
const MAX_ALIAS_NODES: usize = 1_000_000;

/// Reads and loads a config file. I/O errors name the path; invalid UTF-8 is reported at the
/// line and column of the first bad byte.
pub fn load_file(path: &Path) -> Result<Node, ConfigError> {
    let bytes = std::fs::read(path).map_err(|err| {
        ConfigError::new(
            ErrorKind::Io,
            format!("cannot read config file '{}'", path.display()),
        )
        .with_cause(err)
    })?;
    match String::from_utf8(bytes) {
        Ok(text) => load_str(path, &text),
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let bytes = err.into_bytes();
            let before = line_char_lengths(&String::from_utf8_lossy(&bytes[..valid]));
            let col = before.last().map_or(0, |len| *len) + 1;
            let source = Source::new(path, String::from_utf8_lossy(&bytes).into_owned());
            let span = Span::new(source, before.len(), col, 1);
            Err(syntax(&span, "the file is not valid UTF-8"))
        }
    }
}

/// Loads one YAML document from `text`; `path` is only used in locations.
///
/// An empty document (or one that is only `~`) is an empty mapping. More than one document is an
/// error: a config file describes one thing.
pub fn load_str(path: &Path, text: &str) -> Result<Node, ConfigError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let source = Source::new(path, text);
    let protected = protect_unknown_escapes(text);
    let mut builder = Builder::new(source.clone(), protected.is_some());
    let parse_text = protected.as_deref().unwrap_or(text);
    let mut parser = Parser::new_from_str(parse_text);
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|err| builder.syntax_error(&err))?;
        builder.event(event, span)?;
    }
    Ok(builder.finish())
}

/// A list or mapping still being read.
enum Frame {
    Seq {
        items: Vec<Node>,
        common: FrameCommon,
    },
    Map {
        entries: Vec<(Key, Node)>,
        /// The key whose value comes next; `None` while a key is expected.
        pending: Option<Key>,
        /// Key name → index in `entries`, for duplicate detection in constant time.
        seen: HashMap<String, usize>,
        /// Indexes of `<<` merge entries.
        merges: Vec<usize>,
        common: FrameCommon,
    },
}

/// What every open collection tracks.
struct FrameCommon {
    span: Span,
    anchor: usize,
    /// Height of the tallest child (leaves are 0).
    child_height: usize,
    /// Nodes in this subtree so far, including itself.
    size: usize,
}

/// An anchored node, with what alias expansion needs to stay within its limits.
struct Anchored {
    node: Node,
    height: usize,
    size: usize,
}

struct Builder {
    source: Arc<Source>,
    /// Characters per line, to keep underlines on the first line of multi-line values.
    line_lengths: Vec<usize>,
    /// Whether lenient escapes were protected and must be restored in scalars.
    protected: bool,
    stack: Vec<Frame>,
    root: Option<Node>,
    documents: usize,
    anchors: HashMap<usize, Anchored>,
    alias_nodes: usize,
}

impl Builder {
    fn new(source: Arc<Source>, protected: bool) -> Self {
        Builder {
            line_lengths: line_char_lengths(&source.text),
            source,
            protected,
            stack: Vec::new(),
            root: None,
            documents: 0,
            anchors: HashMap::new(),
            alias_nodes: 0,
        }
    }

    fn finish(self) -> Node {
        let empty_map = |span: Span| Node::synthetic(NodeKind::Map(Vec::new()), span);
        match self.root {
            None => empty_map(Span::start_of(self.source)),
            Some(node) if node.is_null() => empty_map(node.span),
            Some(node) => node,
        }
    }

    /// A span for a parser range: 1-based, underlining at most to the end of its first line.
    fn span(&self, span: ParserSpan) -> Span {
        let line = span.start.line();
        let col = span.start.col();
        let rest_of_line = self
            .line_lengths
            .get(line.saturating_sub(1))
            .map_or(1, |len| len.saturating_sub(col));
        let len = span.len().min(rest_of_line);
        Span::new(self.source.clone(), line, col + 1, len)
    }

    fn syntax_error(&self, err: &ScanError) -> ConfigError {
        let mark = err.marker();
        let span = Span::new(self.source.clone(), mark.line(), mark.col() + 1, 1);
        syntax(&span, format!("invalid YAML: {}", err.info()))
    }

    fn text(&self, raw: Cow<'_, str>) -> String {
        if self.protected {
            restore_escapes(&raw)
        } else {
            raw.into_owned()
        }
    }

    fn event(&mut self, event: Event<'_>, span: ParserSpan) -> Result<(), ConfigError> {
        let span = self.span(span);
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(syntax(
                        &span,
                        "a config file holds one YAML document, but a second one starts here",
                    ));
                }
                Ok(())
            }
            Event::Scalar(raw, style, anchor, tag) => {
                let text = self.text(raw);
                if self.expects_key() {
                    let is_merge = text == "<<" && style == ScalarStyle::Plain;
                    if anchor > 0 {
                        let kind = leaf(text.clone(), style, tag.as_deref());
                        self.anchor(anchor, Node::synthetic(kind, span.clone()), 0, 1);
                    }
                    self.key(Key::new(text, span), is_merge)
                } else {
                    let node = Node::synthetic(leaf(text, style, tag.as_deref()), span);
                    if anchor > 0 {
                        self.anchor(anchor, node.clone(), 0, 1);
                    }
                    self.value(node, 0, 1)
                }
            }
            Event::Alias(id) => self.alias(id, span),
            Event::SequenceStart(anchor, _) => self.open(span, anchor, false),
            Event::MappingStart(anchor, _) => self.open(span, anchor, true),
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => Ok(()),
        }
    }

    fn expects_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { pending: None, .. }))
    }

    fn open(&mut self, span: Span, anchor: usize, map: bool) -> Result<(), ConfigError> {
        if self.expects_key() {
            return Err(syntax(
                &span,
                "mapping keys must be plain text, not a list or mapping",
            ));
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(syntax(
                &span,
                format!("lists and mappings are nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        let common = FrameCommon {
            span,
            anchor,
            child_height: 0,
            size: 1,
        };
        self.stack.push(if map {
            Frame::Map {
                entries: Vec::new(),
                pending: None,
                seen: HashMap::new(),
                merges: Vec::new(),
                common,
            }
        } else {
            Frame::Seq {
                items: Vec::new(),
                common,
            }
        });
        Ok(())
    }

    fn close(&mut self) -> Result<(), ConfigError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let (kind, common) = match frame {
            Frame::Seq { items, common } => (NodeKind::Seq(items), common),
            Frame::Map {
                entries,
                seen,
                merges,
                common,
                ..
            } => {
                let entries = if merges.is_empty() {
                    entries
                } else {
                    apply_merge_keys(entries, &seen, &merges)?
                };
                (NodeKind::Map(entries), common)
            }
        };
        let node = Node::synthetic(kind, common.span);
        let height = common.child_height + 1;
        if common.anchor > 0 {
            self.anchor(common.anchor, node.clone(), height, common.size);
        }
        self.value(node, height, common.size)
    }

    fn anchor(&mut self, id: usize, node: Node, height: usize, size: usize) {
        self.anchors.insert(id, Anchored { node, height, size });
    }

    fn alias(&mut self, id: usize, span: Span) -> Result<(), ConfigError> {
        if self.expects_key() {
            return Err(syntax(&span, "an alias cannot be used as a mapping key"));
        }
        let Some(anchored) = self.anchors.get(&id) else {
            return Err(syntax(&span, "alias to an unknown anchor"));
        };
        let (height, size) = (anchored.height, anchored.size);
        if self.stack.len() + height > MAX_DEPTH {
            return Err(syntax(
                &span,
                format!("this alias nests lists and mappings more than {MAX_DEPTH} levels deep"),
            ));
        }
        self.alias_nodes += size;
        if self.alias_nodes > MAX_ALIAS_NODES {
            return Err(syntax(
                &span,
                format!("aliases expand to more than {MAX_ALIAS_NODES} values"),
            ));
        }
        // The copy is blamed on the alias; everything inside keeps pointing at the anchor.
        let node = Node::synthetic(anchored.node.kind.clone(), span);
        self.value(node, height, size)
    }

    fn key(&mut self, key: Key, is_merge: bool) -> Result<(), ConfigError> {
        if let Some(Frame::Map { entries, seen, .. }) = self.stack.last() {
            if let Some(&first) = seen.get(&key.name) {
                let first_line = entries.get(first).map_or(0, |(k, _)| k.span.line);
                let mut err = ConfigError::at(&key.span, format!("duplicate key '{}'", key.name))
                    .with_detail(format!("first at line {first_line}"));
                err.kind = ErrorKind::DuplicateKey;
                err.key_path = self.path();
                return Err(err);
            }
        }
        let Some(Frame::Map {
            entries,
            pending,
            seen,
            merges,
            ..
        }) = self.stack.last_mut()
        else {
            return Ok(());
        };
        seen.insert(key.name.clone(), entries.len());
        if is_merge {
            merges.push(entries.len());
        }
        *pending = Some(key);
        Ok(())
    }

    fn value(&mut self, node: Node, height: usize, size: usize) -> Result<(), ConfigError> {
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                Ok(())
            }
            Some(Frame::Seq { items, common }) => {
                common.child_height = common.child_height.max(height);
                common.size += size;
                items.push(node);
                Ok(())
            }
            Some(Frame::Map {
                entries,
                pending,
                common,
                ..
            }) => {
                common.child_height = common.child_height.max(height);
                common.size += size;
                match pending.take() {
                    Some(key) => {
                        entries.push((key, node));
                        Ok(())
                    }
                    None => Err(syntax(&node.span, "a mapping value without a key")),
                }
            }
        }
    }

    /// The key path of the innermost open collection, for duplicate-key errors.
    fn path(&self) -> Option<String> {
        let depth = self.stack.len().saturating_sub(1);
        let parts: Vec<String> = self.stack[..depth]
            .iter()
            .map(|frame| match frame {
                Frame::Seq { items, .. } => items.len().to_string(),
                Frame::Map { pending, .. } => pending
                    .as_ref()
                    .map_or_else(String::new, |key| key.name.clone()),
            })
            .collect();
        (!parts.is_empty()).then(|| parts.join("."))
    }
}

/// A syntax-kind error at `span`.
fn syntax(span: &Span, message: impl Into<String>) -> ConfigError {
    let mut err = ConfigError::at(span, message);
    err.kind = ErrorKind::Syntax;
    err
}

/// Replaces each `<<` entry by the entries of the mapping(s) it names, skipping keys the
/// mapping sets itself or an earlier merged mapping already gave (YAML 1.1 merge keys).
fn apply_merge_keys(
    entries: Vec<(Key, Node)>,
    seen: &HashMap<String, usize>,
    merges: &[usize],
) -> Result<Vec<(Key, Node)>, ConfigError> {
    let mut taken: HashSet<String> = seen.keys().filter(|k| *k != "<<").cloned().collect();
    let mut out = Vec::with_capacity(entries.len());
    for (index, (key, value)) in entries.into_iter().enumerate() {
        if !merges.contains(&index) {
            out.push((key, value));
            continue;
        }
        let sources: Vec<&Node> = match &value.kind {
            NodeKind::Map(_) => vec![&value],
            NodeKind::Seq(items) if items.iter().all(Node::is_map) => items.iter().collect(),
            _ => {
                let mut err = ConfigError::at(
                    &value.span,
                    format!(
                        "expected a mapping or a list of mappings after '<<', found {}",
                        value.describe()
                    ),
                );
                err.kind = ErrorKind::InvalidType;
                return Err(err);
            }
        };
        for source in sources {
            for (merged_key, merged_value) in source.entries() {
                if taken.insert(merged_key.name.clone()) {
                    out.push((merged_key.clone(), merged_value.clone()));
                }
            }
        }
    }
    Ok(out)
}
