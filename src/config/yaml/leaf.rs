//! Scalar rules: how a YAML scalar becomes a leaf (spec Y2) and the lenient double-quote escapes
//! (spec Y5).
//!
//! Y5 is done without touching the parser: before parsing, every backslash that starts an escape
//! YAML does not know (`\{`, `\~`, …) is swapped for a sentinel character; after parsing, the
//! sentinel is swapped back in every scalar. The sentinel is one character like the backslash, so
//! every line and column stays exact, and outside double quotes a backslash is an ordinary
//! character, so the swap changes nothing there.

use saphyr_parser::{ScalarStyle, Tag};

use super::node::NodeKind;

/// Stands in for a backslash before an unknown escape while parsing. A Unicode noncharacter:
/// reserved for internal use, so config text has no business containing it (if it does, the
/// lenient escapes are skipped for that file rather than corrupting its text).
const SENTINEL: char = '\u{FDD0}';

/// The leaf for a scalar event: plain scalars get the null and boolean spellings interpreted;
/// quoted and block scalars, and anything tagged `!!str`, stay text. Numbers are never touched.
pub(crate) fn leaf(text: String, style: ScalarStyle, tag: Option<&Tag>) -> NodeKind {
    let explicit_str = tag.is_some_and(|t| t.is_yaml_core_schema() && t.suffix == "str");
    if style != ScalarStyle::Plain || explicit_str {
        return NodeKind::Scalar(text);
    }
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => NodeKind::Null,
        _ => match plain_bool(&text) {
            Some(true) => NodeKind::Scalar("True".to_owned()),
            Some(false) => NodeKind::Scalar("False".to_owned()),
            None => NodeKind::Scalar(text),
        },
    }
}

/// The YAML 1.1 boolean spellings, in any letter case.
fn plain_bool(text: &str) -> Option<bool> {
    const TRUE: [&str; 3] = ["true", "yes", "on"];
    const FALSE: [&str; 3] = ["false", "no", "off"];
    if TRUE.iter().any(|t| t.eq_ignore_ascii_case(text)) {
        Some(true)
    } else if FALSE.iter().any(|f| f.eq_ignore_ascii_case(text)) {
        Some(false)
    } else {
        None
    }
}

/// The text to hand to the parser, if it differs from `text`: backslashes that begin an escape
/// unknown to YAML replaced by the sentinel.
///
/// Backslashes are paired left to right exactly as inside a double-quoted scalar (`\\{` is an
/// escaped backslash followed by `{`). A double-quoted scalar can only open after a blank, a
/// line start or flow punctuation, never right after a backslash, so the pairing is in step with
/// the parser's whenever it matters.
pub(crate) fn protect_unknown_escapes(text: &str) -> Option<String> {
    if !text.contains('\\') || text.contains(SENTINEL) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some(next) if is_known_escape(next) => {
                out.push('\\');
                out.push(next);
                chars.next();
            }
            Some(_) => {
                out.push(SENTINEL);
                changed = true;
            }
            None => out.push('\\'),
        }
    }
    changed.then_some(out)
}

/// Characters that may follow a backslash in a YAML 1.2 double-quoted scalar (including the
/// escaped line break).
fn is_known_escape(c: char) -> bool {
    matches!(
        c,
        '0' | 'a'
            | 'b'
            | 't'
            | '\t'
            | 'n'
            | 'v'
            | 'f'
            | 'r'
            | 'e'
            | ' '
            | '"'
            | '/'
            | '\\'
            | 'N'
            | '_'
            | 'L'
            | 'P'
            | 'x'
            | 'u'
            | 'U'
            | '\n'
            | '\r'
    )
}

/// Undoes [`protect_unknown_escapes`] in one scalar's text.
pub(crate) fn restore_escapes(text: &str) -> String {
    if text.contains(SENTINEL) {
        text.replace(SENTINEL, "\\")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> String {
        match leaf(text.to_owned(), ScalarStyle::Plain, None) {
            NodeKind::Null => "<null>".to_owned(),
            NodeKind::Scalar(s) => s,
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn plain_booleans_in_any_case() {
        for spelling in [
            "true", "True", "TRUE", "tRuE", "yes", "YES", "Yes", "on", "ON", "oN",
        ] {
            assert_eq!(plain(spelling), "True", "{spelling}");
        }
        for spelling in [
            "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "nO",
        ] {
            assert_eq!(plain(spelling), "False", "{spelling}");
        }
        for other in ["y", "n", "t", "1", "0", "yess", "truee", "onn"] {
            assert_eq!(plain(other), other);
        }
    }

    #[test]
    fn plain_nulls() {
        for spelling in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(plain(spelling), "<null>", "{spelling:?}");
        }
        assert_eq!(plain("nULL"), "nULL");
        assert_eq!(plain("none"), "none");
    }

    #[test]
    fn numbers_keep_their_text() {
        for number in [
            "010", "1.50", "0x1F", "1e3", "+5", "-0", ".inf", "NaN", "1_000",
        ] {
            assert_eq!(plain(number), number);
        }
    }

    #[test]
    fn quoted_block_and_str_tagged_scalars_stay_text() {
        for style in [
            ScalarStyle::SingleQuoted,
            ScalarStyle::DoubleQuoted,
            ScalarStyle::Literal,
            ScalarStyle::Folded,
        ] {
            assert!(
                matches!(leaf("true".to_owned(), style, None), NodeKind::Scalar(s) if s == "true")
            );
            assert!(
                matches!(leaf(String::new(), style, None), NodeKind::Scalar(s) if s.is_empty())
            );
            assert!(matches!(leaf("~".to_owned(), style, None), NodeKind::Scalar(s) if s == "~"));
        }
        let str_tag = Tag {
            handle: "tag:yaml.org,2002:".to_owned(),
            suffix: "str".to_owned(),
        };
        assert!(matches!(
            leaf("yes".to_owned(), ScalarStyle::Plain, Some(&str_tag)),
            NodeKind::Scalar(s) if s == "yes"
        ));
        let custom = Tag {
            handle: "!".to_owned(),
            suffix: "str".to_owned(),
        };
        assert!(matches!(
            leaf("yes".to_owned(), ScalarStyle::Plain, Some(&custom)),
            NodeKind::Scalar(s) if s == "True"
        ));
    }

    #[test]
    fn protects_only_unknown_escapes() {
        assert_eq!(protect_unknown_escapes("a: \"x\""), None);
        assert_eq!(protect_unknown_escapes("a: \"\\n\\t\\\\\\\"\""), None);
        let protected = protect_unknown_escapes(r#"a: "\{{x}} \~ \\{ \n""#);
        assert_eq!(
            protected.as_deref(),
            Some("a: \"\u{FDD0}{{x}} \u{FDD0}~ \\\\{ \\n\"")
        );
        assert_eq!(protect_unknown_escapes("trailing \\"), None);
    }

    #[test]
    fn text_already_holding_the_sentinel_is_left_alone() {
        assert_eq!(protect_unknown_escapes("a: \"\\{\" \u{FDD0}"), None);
    }

    #[test]
    fn restore_round_trips() {
        let original = r"plain \q and \{{ and \\ and \n";
        let protected = protect_unknown_escapes(original).unwrap_or_default();
        assert_eq!(protected.chars().count(), original.chars().count());
        assert_eq!(restore_escapes(&protected), original);
        assert_eq!(restore_escapes("no sentinel"), "no sentinel");
    }
}
