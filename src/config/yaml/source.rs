//! Config file sources and the locations (`file:line:col`) that point into them.
//!
//! Every node of a loaded tree carries a [`Span`] holding an `Arc` of its [`Source`], so an error
//! found long after loading (after merging, inside typed validation) can still quote the line.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The text of one config file, kept so errors can show the offending line.
pub struct Source {
    /// The path as given by the caller (shown in error locations).
    pub path: PathBuf,
    /// The full text (a leading byte-order mark removed).
    pub text: String,
}

impl Source {
    /// A shareable source; nodes and spans hold it in an `Arc`.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Arc<Source> {
        Arc::new(Source {
            path: path.into(),
            text: text.into(),
        })
    }

    /// The text of 1-based line `line`, without its line break; `None` past the end.
    ///
    /// Line breaks are `\n`, `\r\n` and a lone `\r`, as in YAML, so numbering agrees with the
    /// parser's markers.
    pub fn line_text(&self, line: usize) -> Option<&str> {
        line_starts(&self.text)
            .nth(line.checked_sub(1)?)
            .map(|start| line_at(&self.text, start))
    }
}

/// Byte offsets at which each line starts.
fn line_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    std::iter::once(0).chain((0..bytes.len()).filter_map(move |i| match bytes[i] {
        b'\n' => Some(i + 1),
        b'\r' if bytes.get(i + 1) != Some(&b'\n') => Some(i + 1),
        _ => None,
    }))
}

/// The line starting at byte `start`, up to (not including) its break.
fn line_at(text: &str, start: usize) -> &str {
    let rest = text.get(start..).unwrap_or("");
    let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
    &rest[..end]
}

/// The length in characters of every line, for clipping underlines to their first line.
pub(crate) fn line_char_lengths(text: &str) -> Vec<usize> {
    line_starts(text)
        .map(|start| line_at(text, start).chars().count())
        .collect()
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The text can be megabytes; its size is enough to tell sources apart in a debug dump.
        f.debug_struct("Source")
            .field("path", &self.path)
            .field("text_len", &self.text.len())
            .finish()
    }
}

/// A location in a config file: where a key or value starts and how much of its line to underline.
#[derive(Clone)]
pub struct Span {
    /// The file this location is in.
    pub source: Arc<Source>,
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub col: usize,
    /// Number of characters to underline (at least 1, never past the end of the line).
    pub len: usize,
}

impl Span {
    /// A span at `line:col` (both 1-based) underlining `len` characters (at least one).
    pub fn new(source: Arc<Source>, line: usize, col: usize, len: usize) -> Span {
        Span {
            source,
            line: line.max(1),
            col: col.max(1),
            len: len.max(1),
        }
    }

    /// The start of a source: for values that exist in a file as a whole rather than at a place.
    pub fn start_of(source: Arc<Source>) -> Span {
        Span::new(source, 1, 1, 1)
    }

    /// A span for values made by code rather than read from a file; `label` (e.g.
    /// `<defaults>`) is shown where a file path would be, without a line to quote.
    pub fn synthetic(label: impl Into<PathBuf>) -> Span {
        Span::start_of(Source::new(label, ""))
    }

    /// The file path of this location.
    pub fn path(&self) -> &Path {
        &self.source.path
    }

    /// `path:line:col`, the form editors and terminals recognise.
    pub fn location(&self) -> String {
        format!("{}:{}:{}", self.source.path.display(), self.line, self.col)
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}+{}", self.location(), self.len)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.location())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_text_handles_every_yaml_line_break() {
        let src = Source::new("f.yaml", "a: 1\r\nb: 2\rc: 3\nd: é\n");
        assert_eq!(src.line_text(1), Some("a: 1"));
        assert_eq!(src.line_text(2), Some("b: 2"));
        assert_eq!(src.line_text(3), Some("c: 3"));
        assert_eq!(src.line_text(4), Some("d: é"));
        assert_eq!(src.line_text(5), Some(""));
        assert_eq!(src.line_text(6), None);
        assert_eq!(src.line_text(0), None);
    }

    #[test]
    fn line_lengths_count_characters() {
        assert_eq!(line_char_lengths("héllo\r\nab\rx"), vec![5, 2, 1]);
        assert_eq!(line_char_lengths(""), vec![0]);
        assert_eq!(line_char_lengths("a\n"), vec![1, 0]);
    }

    #[test]
    fn synthetic_spans_name_their_label() {
        let span = Span::synthetic("<defaults>");
        assert_eq!(span.location(), "<defaults>:1:1");
        assert!(span.source.text.is_empty());
    }

    #[test]
    fn span_clamps_to_one_and_formats_location() {
        let span = Span::new(Source::new("dir/x.yaml", ""), 0, 0, 0);
        assert_eq!((span.line, span.col, span.len), (1, 1, 1));
        assert_eq!(span.location(), "dir/x.yaml:1:1");
        assert_eq!(format!("{span:?}"), "dir/x.yaml:1:1+1");
    }
}
