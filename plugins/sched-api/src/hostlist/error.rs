//! The one error type of hostlist parsing (SCHEDULING.md §7.2, errors H1–H6).
//!
//! Every message names the input and the 1-based column (counted in characters) where the
//! problem is, e.g. `invalid hostlist 'cn[1-3': unbalanced brackets at column 3`. Control
//! characters are shown escaped (`\n`, `\t`) so a message always fits on one line; the column
//! still counts the raw input's characters.

use std::fmt;

/// What is wrong with a hostlist; the `Display` text is the H1–H6 message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostlistErrorKind {
    /// H1: a `[` without its `]`, a `]` without its `[`, or a `[` inside a group.
    UnbalancedBrackets,
    /// H2: an empty group or range element (`[]`, `[,2]`, `[3-]`, `[-3]`).
    EmptyRange,
    /// H3: a range element that is not `NUM` or `NUM-NUM`; holds the element as written.
    BadRange(String),
    /// H4: `lo-hi` with `hi < lo`; holds both bounds as written.
    DescendingRange { lo: String, hi: String },
    /// H5: a character outside the grammar.
    InvalidCharacter(char),
    /// H6: a range of more than 65 536 values, or more than 1 000 000 names in total.
    TooLarge,
}

impl fmt::Display for HostlistErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostlistErrorKind::UnbalancedBrackets => f.write_str("unbalanced brackets"),
            HostlistErrorKind::EmptyRange => f.write_str("empty range"),
            HostlistErrorKind::BadRange(text) => write!(f, "bad range '{}'", Escaped(text)),
            HostlistErrorKind::DescendingRange { lo, hi } => {
                write!(f, "descending range '{lo}-{hi}'")
            }
            HostlistErrorKind::InvalidCharacter(c) => {
                write!(
                    f,
                    "invalid character '{}'",
                    Escaped(c.encode_utf8(&mut [0; 4]))
                )
            }
            HostlistErrorKind::TooLarge => f.write_str("hostlist too large"),
        }
    }
}

/// A hostlist that could not be expanded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid hostlist '{}': {kind} at column {column}", Escaped(.input))]
pub struct HostlistError {
    /// The whole hostlist as given.
    pub input: String,
    /// 1-based column, in characters, of the offending character or range element.
    pub column: usize,
    pub kind: HostlistErrorKind,
}

impl HostlistError {
    pub(crate) fn new(input: &str, column: usize, kind: HostlistErrorKind) -> Self {
        HostlistError {
            input: input.to_owned(),
            column,
            kind,
        }
    }
}

/// Shows control characters escaped and everything else as is.
struct Escaped<'a>(&'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_format() {
        let e = HostlistError::new("cn[1-3", 3, HostlistErrorKind::UnbalancedBrackets);
        assert_eq!(
            e.to_string(),
            "invalid hostlist 'cn[1-3': unbalanced brackets at column 3"
        );
        let e = HostlistError::new(
            "cn[3-1]",
            4,
            HostlistErrorKind::DescendingRange {
                lo: "3".into(),
                hi: "1".into(),
            },
        );
        assert_eq!(
            e.to_string(),
            "invalid hostlist 'cn[3-1]': descending range '3-1' at column 4"
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        let e = HostlistError::new("a\rb", 2, HostlistErrorKind::InvalidCharacter('\r'));
        assert_eq!(
            e.to_string(),
            "invalid hostlist 'a\\rb': invalid character '\\r' at column 2"
        );
        let e = HostlistError::new("x[1\t-3]", 3, HostlistErrorKind::BadRange("1\t-3".into()));
        assert_eq!(
            e.to_string(),
            "invalid hostlist 'x[1\\t-3]': bad range '1\\t-3' at column 3"
        );
    }
}
