//! Plain-text rendering of config errors in the compiler style people already read every day:
//!
//! ```text
//! error: unknown key 'partiton' in 'hello.schedule' (did you mean 'partition'?)
//!  --> tests/hello.yaml:7:5
//!   |
//! 7 |     partiton: debug
//!   |     ^^^^^^^^
//!   = expected one of: nodes, min_nodes, tasks
//! ```
//!
//! No colours: the output goes to logs and CI as often as to terminals.

use std::fmt::Write as _;

use super::error::ConfigError;
use super::source::Span;

/// The full message of `err`.
pub(crate) fn render(err: &ConfigError) -> String {
    let mut out = format!("error: {}\n", err.headline());
    let gutter = err.span.as_ref().map_or(1, |span| digits(span.line));
    if let Some(span) = &err.span {
        out.push_str(&snippet_with_gutter(span, gutter));
    }
    let pad = " ".repeat(gutter);
    if let Some(expected) = &err.expected {
        let _ = writeln!(out, "{pad} = expected {expected}");
    }
    if let Some(cause) = &err.cause {
        let _ = writeln!(out, "{pad} = cause: {cause}");
    }
    out
}

/// The location line and the underlined source line of `span`, for messages (errors or warnings)
/// that callers compose themselves.
pub fn snippet(span: &Span) -> String {
    snippet_with_gutter(span, digits(span.line))
}

fn snippet_with_gutter(span: &Span, gutter: usize) -> String {
    let pad = " ".repeat(gutter);
    if span.source.text.is_empty() {
        // Synthetic values (and empty files) have no line to quote.
        return format!("{pad}--> {}\n", span.source.path.display());
    }
    let (text, offset) = visible_line(span);
    let width = text.chars().count().saturating_sub(offset).max(1);
    let underline = format!(
        "{}{}",
        " ".repeat(offset),
        "^".repeat(span.len.clamp(1, width))
    );
    let separator = if text.is_empty() { "" } else { " " };
    let mut out = String::new();
    let _ = writeln!(out, "{pad}--> {}", span.location());
    let _ = writeln!(out, "{pad} |");
    let _ = writeln!(out, "{:>gutter$} |{separator}{text}", span.line);
    let _ = writeln!(out, "{pad} | {underline}");
    out
}

/// The part of the span's line to show, and the span's column within it (0-based).
///
/// Tabs are shown as single spaces so the underline lines up character for character. Lines
/// longer than [`MAX_SHOWN`] (minified flow mappings) are cut to a window around the column.
fn visible_line(span: &Span) -> (String, usize) {
    let chars: Vec<char> = span
        .source
        .line_text(span.line)
        .unwrap_or("")
        .trim_end()
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    let col = span.col - 1;
    if chars.len() <= MAX_SHOWN {
        return (chars.into_iter().collect(), col);
    }
    let start = col
        .saturating_sub(MAX_SHOWN / 3)
        .min(chars.len() - MAX_SHOWN);
    let end = start + MAX_SHOWN;
    let mut text = String::new();
    if start > 0 {
        text.push('…');
    }
    text.extend(&chars[start..end]);
    if end < chars.len() {
        text.push('…');
    }
    (text, col.saturating_sub(start) + usize::from(start > 0))
}

/// Longest stretch of a source line shown in a snippet, in characters.
const MAX_SHOWN: usize = 100;

fn digits(n: usize) -> usize {
    n.to_string().len()
}

#[cfg(test)]
mod tests {
    use super::super::error::ErrorKind;
    use super::super::source::Source;
    use super::*;

    #[test]
    fn renders_headline_snippet_and_notes() {
        let text = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\ng: 7\nh: 8\ni: 9\nhello:\n  schedule:\n    partiton: debug\n";
        let source = Source::new("tests/hello.yaml", text);
        let mut err = ConfigError::at(&Span::new(source, 12, 5, 8), "unknown key 'partiton'")
            .with_path("hello.schedule")
            .with_expected("one of: nodes, partition");
        err.suggestion = Some("partition".to_owned());
        let expected = [
            "error: unknown key 'partiton' in 'hello.schedule' (did you mean 'partition'?)",
            "  --> tests/hello.yaml:12:5",
            "   |",
            "12 |     partiton: debug",
            "   |     ^^^^^^^^",
            "   = expected one of: nodes, partition",
            "",
        ];
        assert_eq!(err.render(), expected.join("\n"));
        assert_eq!(err.to_string(), err.render());
    }

    #[test]
    fn tabs_become_spaces_and_missing_lines_render_empty() {
        let source = Source::new("t.yaml", "\tkey: x");
        let err = ConfigError::at(&Span::new(source.clone(), 1, 2, 3), "bad");
        assert_eq!(
            err.render(),
            "error: bad\n --> t.yaml:1:2\n  |\n1 |  key: x\n  |  ^^^\n"
        );
        let err = ConfigError::at(&Span::new(source, 9, 1, 1), "at the end");
        assert_eq!(
            err.render(),
            "error: at the end\n --> t.yaml:9:1\n  |\n9 |\n  | ^\n"
        );
    }

    #[test]
    fn long_lines_are_cut_to_a_window_around_the_column() {
        let line = format!("{}BAD{}", "a".repeat(200), "b".repeat(200));
        let source = Source::new("t.yaml", line);
        let rendered = ConfigError::at(&Span::new(source.clone(), 1, 201, 3), "bad").render();
        let expected_text = format!("…{}BAD{}…", "a".repeat(33), "b".repeat(64));
        let expected_mark = format!("{}^^^", " ".repeat(34));
        assert_eq!(
            rendered,
            format!(
                "error: bad\n --> t.yaml:1:201\n  |\n1 | {expected_text}\n  | {expected_mark}\n"
            )
        );
        let start = ConfigError::at(&Span::new(source.clone(), 1, 1, 1), "x").render();
        assert!(
            start.contains(&format!("1 | {}…\n  | ^\n", "a".repeat(100))),
            "{start}"
        );
        let end = ConfigError::at(&Span::new(source, 1, 403, 1), "x").render();
        assert!(
            end.contains(&format!(
                "1 | …{}\n  | {}^\n",
                "b".repeat(100),
                " ".repeat(100)
            )),
            "{end}"
        );
    }

    #[test]
    fn synthetic_spans_show_only_their_label() {
        let err =
            ConfigError::at(&Span::synthetic("<defaults>"), "bad default").with_suggestion("good");
        assert_eq!(
            err.render(),
            "error: bad default (did you mean 'good'?)\n --> <defaults>\n"
        );
    }

    #[test]
    fn without_a_span_only_headline_and_notes() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let err =
            ConfigError::new(ErrorKind::Io, "cannot read config file 'x.yaml'").with_cause(io);
        assert_eq!(
            err.render(),
            "error: cannot read config file 'x.yaml'\n  = cause: no such file\n"
        );
    }
}
