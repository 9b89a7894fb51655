//! The config error: what went wrong, at which key path, at which `file:line:col`, what was
//! expected and what was probably meant.

use std::error::Error as StdError;
use std::fmt;
use std::ops::{Deref, DerefMut};

use serde::de::{Expected, Unexpected};

use super::node::quote_excerpt;
use super::path::KeyPath;
use super::source::Span;
use super::suggest::did_you_mean;

/// What sort of config error this is, for callers that react differently (tests, exit codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file could not be read.
    Io,
    /// The file is not valid YAML (or holds more than one document, or nests too deeply).
    Syntax,
    /// A key the schema does not have.
    UnknownKey,
    /// A required key is absent.
    MissingKey,
    /// The same key twice in one mapping.
    DuplicateKey,
    /// A value outside a fixed set (an enum).
    UnknownValue,
    /// The wrong shape: a list where a string belongs, text where a number belongs, …
    InvalidType,
    /// The right shape but an unacceptable value.
    InvalidValue,
    /// Layers that cannot be merged (`key+` on a mapping, …).
    Merge,
    /// Anything else, e.g. errors raised by callers with [`ConfigError::at`].
    Other,
}

/// A config error, rendered for people by [`ConfigError::render`] (also its `Display`).
///
/// The fields live in a box ([`ErrorDetails`], reached through `Deref`/`DerefMut`: `err.message`,
/// `err.span = …`) so that `Result<T, ConfigError>` stays one pointer wide.
///
/// `message` is a lowercase fragment without the key path; rendering appends `in '<key_path>'`,
/// then `(<detail>)` and `(did you mean '<suggestion>'?)`. `key_path` is the mapping the error is
/// in for unknown, missing and duplicate keys, and the value's own path otherwise.
#[derive(Debug)]
pub struct ConfigError(Box<ErrorDetails>);

/// The fields of a [`ConfigError`].
#[derive(Debug)]
pub struct ErrorDetails {
    /// What sort of error this is.
    pub kind: ErrorKind,
    /// What went wrong, e.g. `unknown key 'partiton'`.
    pub message: String,
    /// Where in the config tree, e.g. `hello.schedule`.
    pub key_path: Option<String>,
    /// Where in the file.
    pub span: Option<Span>,
    /// What would have been accepted, e.g. `one of: nodes, tasks` (rendered after `expected `).
    pub expected: Option<String>,
    /// The closest accepted key or value, when one is within edit distance 2.
    pub suggestion: Option<String>,
    /// A short extra fact shown in parentheses, e.g. `first at line 3`.
    pub detail: Option<String>,
    /// The underlying error (I/O), kept for error chains and shown as a note.
    pub cause: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl Deref for ConfigError {
    type Target = ErrorDetails;

    fn deref(&self) -> &ErrorDetails {
        &self.0
    }
}

impl DerefMut for ConfigError {
    fn deref_mut(&mut self) -> &mut ErrorDetails {
        &mut self.0
    }
}

impl ConfigError {
    /// An error of `kind` with no location yet.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ConfigError(Box::new(ErrorDetails {
            kind,
            message: message.into(),
            key_path: None,
            span: None,
            expected: None,
            suggestion: None,
            detail: None,
            cause: None,
        }))
    }

    /// The fields, unboxed (to move them out).
    pub fn into_details(self) -> ErrorDetails {
        *self.0
    }

    /// Sets the kind.
    pub fn with_kind(mut self, kind: ErrorKind) -> Self {
        self.kind = kind;
        self
    }

    /// An error without a location (a missing file, a bad command-line override).
    pub fn plain(message: impl Into<String>) -> Self {
        ConfigError::new(ErrorKind::Other, message)
    }

    /// An error at a place in a config file.
    pub fn at(span: &Span, message: impl Into<String>) -> Self {
        ConfigError::new(ErrorKind::Other, message).with_span(span)
    }

    /// Sets the key path (`hello.run.cmds`).
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.key_path = Some(path.into());
        self
    }

    /// Sets the location.
    pub fn with_span(mut self, span: &Span) -> Self {
        self.span = Some(span.clone());
        self
    }

    /// Sets what would have been accepted (rendered as `= expected <text>`).
    pub fn with_expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    /// Sets the "did you mean" suggestion.
    pub fn with_suggestion(mut self, suggestion: impl Into<String>) -> Self {
        self.suggestion = Some(suggestion.into());
        self
    }

    /// Sets the extra fact shown in parentheses.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Sets the underlying error.
    pub fn with_cause(mut self, cause: impl StdError + Send + Sync + 'static) -> Self {
        self.cause = Some(Box::new(cause));
        self
    }

    /// The multi-line, one-screen message: headline, location, the offending line underlined,
    /// and notes.
    pub fn render(&self) -> String {
        super::render::render(self)
    }

    /// The headline without `error: `: message, key path, detail and suggestion.
    pub fn headline(&self) -> String {
        let mut line = self.message.clone();
        if let Some(path) = &self.key_path {
            line.push_str(&format!(" in '{path}'"));
        }
        if let Some(detail) = &self.detail {
            line.push_str(&format!(" ({detail})"));
        }
        if let Some(suggestion) = &self.suggestion {
            line.push_str(&format!(" (did you mean '{suggestion}'?)"));
        }
        line
    }

    /// Fills in the location and key path unless an inner, more precise one was already set.
    pub(crate) fn locate(mut self, span: &Span, path: &KeyPath<'_>) -> Self {
        if self.span.is_none() {
            self.span = Some(span.clone());
            if self.key_path.is_none() {
                self.key_path = path.render();
            }
        }
        self
    }

    /// `expected <what>, found <node description>` at a node.
    pub(crate) fn expected_found(what: &str, found: &str) -> Self {
        ConfigError::new(
            ErrorKind::InvalidType,
            format!("expected {what}, found {found}"),
        )
    }

    /// An unknown key or value with the accepted ones listed and the closest one suggested.
    fn unknown(kind: ErrorKind, noun: &str, given: &str, accepted: &[&str]) -> Self {
        let mut err = ConfigError::new(kind, format!("unknown {noun} {}", quote_excerpt(given)));
        err.suggestion = did_you_mean(given, accepted).map(str::to_owned);
        err.expected = Some(one_of(accepted));
        err
    }
}

/// `one of: a, b, c` (or `nothing here` when nothing is accepted).
pub(crate) fn one_of(accepted: &[&str]) -> String {
    if accepted.is_empty() {
        "nothing here".to_owned()
    } else {
        format!("one of: {}", accepted.join(", "))
    }
}

/// How serde's "unexpected" values are named in messages; YAML leaves are text, so text is
/// quoted rather than called "string".
fn describe_unexpected(unexpected: &Unexpected<'_>) -> String {
    match unexpected {
        Unexpected::Str(text) => quote_excerpt(text),
        Unexpected::Char(c) => quote_excerpt(&c.to_string()),
        Unexpected::Unit | Unexpected::Option => "an empty value".to_owned(),
        Unexpected::Seq => "a list".to_owned(),
        Unexpected::Map => "a mapping".to_owned(),
        other => other.to_string(),
    }
}

impl serde::de::Error for ConfigError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ConfigError::new(ErrorKind::InvalidValue, msg.to_string())
    }

    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        let found = describe_unexpected(&unexp);
        ConfigError::expected_found(&exp.to_string(), &found)
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        let found = describe_unexpected(&unexp);
        let mut err = ConfigError::expected_found(&exp.to_string(), &found);
        err.kind = ErrorKind::InvalidValue;
        err
    }

    fn invalid_length(len: usize, exp: &dyn Expected) -> Self {
        let items = if len == 1 { "item" } else { "items" };
        ConfigError::expected_found(&exp.to_string(), &format!("{len} {items}"))
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        ConfigError::unknown(ErrorKind::UnknownValue, "value", variant, expected)
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        ConfigError::unknown(ErrorKind::UnknownKey, "key", field, expected)
    }

    fn missing_field(field: &'static str) -> Self {
        ConfigError::new(ErrorKind::MissingKey, format!("missing key '{field}'"))
    }

    fn duplicate_field(field: &'static str) -> Self {
        ConfigError::new(ErrorKind::DuplicateKey, format!("duplicate key '{field}'"))
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl StdError for ConfigError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.cause
            .as_deref()
            .map(|cause| cause as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use serde::de::Error as _;

    use super::*;

    #[test]
    fn headline_puts_path_detail_and_suggestion_in_order() {
        let mut err = ConfigError::new(ErrorKind::DuplicateKey, "duplicate key 'x'")
            .with_path("hello")
            .with_detail("first at line 3");
        assert_eq!(
            err.headline(),
            "duplicate key 'x' in 'hello' (first at line 3)"
        );
        err.detail = None;
        err.suggestion = Some("y".to_owned());
        assert_eq!(
            err.headline(),
            "duplicate key 'x' in 'hello' (did you mean 'y'?)"
        );
    }

    #[test]
    fn serde_unknown_field_suggests_and_lists() {
        let err = ConfigError::unknown_field("partiton", &["nodes", "partition"]);
        assert_eq!(err.kind, ErrorKind::UnknownKey);
        assert_eq!(err.message, "unknown key 'partiton'");
        assert_eq!(err.suggestion.as_deref(), Some("partition"));
        assert_eq!(err.expected.as_deref(), Some("one of: nodes, partition"));
        let none = ConfigError::unknown_field("x", &[]);
        assert_eq!(none.expected.as_deref(), Some("nothing here"));
        assert_eq!(none.suggestion, None);
    }

    #[test]
    fn serde_type_errors_name_yaml_shapes() {
        let err = ConfigError::invalid_type(Unexpected::Str("abc"), &"a mapping");
        assert_eq!(err.message, "expected a mapping, found 'abc'");
        let err = ConfigError::invalid_type(Unexpected::Seq, &"a string");
        assert_eq!(err.message, "expected a string, found a list");
        let err = ConfigError::invalid_length(1, &"a list of 2 items");
        assert_eq!(err.message, "expected a list of 2 items, found 1 item");
        assert_eq!(
            ConfigError::missing_field("cmds").message,
            "missing key 'cmds'"
        );
    }

    #[test]
    fn source_is_the_cause() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let err = ConfigError::new(ErrorKind::Io, "cannot read").with_cause(io);
        assert_eq!(err.source().map(|s| s.to_string()).as_deref(), Some("gone"));
    }
}
