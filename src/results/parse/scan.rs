//! Parsing one file's text for one key (CONFIG.md §10.2): find each run of lines matching
//! `preceded_by` + `for_lines_matching`, call the parser at the last of them, and select among
//! the values with `match_select`. Also the two one-line parsers, `regex` and `split`.

use super::spec::{MatchSelect, ParserKind};
use crate::expr::Value;
use fancy_regex::Regex;

/// The text's lines without their line ends (`\n` or `\r\n`).
pub fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

/// Whether `re` matches anywhere in `line`.
pub fn search(re: &Regex, line: &str) -> Result<bool, String> {
    re.is_match(line)
        .map_err(|e| format!("regular expression '{}' failed: {e}", re.as_str()))
}

/// The index of the last line of the next run of consecutive lines, at or after `from`, that
/// `conds` match one to one.
pub fn next_position(
    lines: &[&str],
    conds: &[Regex],
    from: usize,
) -> Result<Option<usize>, String> {
    let mut start = from;
    while start < lines.len() {
        let mut i = 0;
        while i < conds.len() {
            match lines.get(start + i) {
                Some(line) if search(&conds[i], line)? => i += 1,
                _ => break,
            }
        }
        if i == conds.len() {
            return Ok(Some(start + conds.len() - 1));
        }
        // Restart at the line after the first line of this attempt.
        start += 1;
    }
    Ok(None)
}

/// A parser that reads from a start line (which it may read past).
pub type LineParser<'a> = dyn Fn(&[&str], usize) -> Result<Value, String> + 'a;

/// §10.2 `parse_file`: the selected value (a list for `all`/`uniq`), or null.
pub fn parse_lines(
    lines: &[&str],
    conds: &[Regex],
    select: MatchSelect,
    parser: &LineParser,
) -> Result<Value, String> {
    let mut matches: Vec<Value> = Vec::new();
    let mut from = 0;
    while let Some(at) = next_position(lines, conds, from)? {
        let v = parser(lines, at)?;
        from = at + 1;
        if v != Value::Null && !(select == MatchSelect::Uniq && matches.contains(&v)) {
            matches.push(v);
        }
        if let MatchSelect::Index(i) = select {
            if i >= 0 && matches.len() as i64 > i {
                break;
            }
        }
    }
    Ok(match select {
        MatchSelect::All | MatchSelect::Uniq => Value::List(matches),
        MatchSelect::Index(i) => {
            let idx = if i < 0 { matches.len() as i64 + i } else { i };
            usize::try_from(idx)
                .ok()
                .and_then(|idx| matches.get(idx).cloned())
                .unwrap_or(Value::Null)
        }
    })
}

/// `regex`: on the start line, the match (no groups), the group (one) or the list of groups
/// (several; unmatched groups null); null without a match.
pub fn regex_value(re: &Regex, line: &str) -> Result<Value, String> {
    let caps = re
        .captures(line)
        .map_err(|e| format!("regular expression '{}' failed: {e}", re.as_str()))?;
    let Some(caps) = caps else {
        return Ok(Value::Null);
    };
    let group = |i: usize| {
        caps.get(i)
            .map(|m| Value::Str(m.as_str().to_string()))
            .unwrap_or(Value::Null)
    };
    Ok(match re.captures_len() {
        0 | 1 => group(0),
        2 => group(1),
        n => Value::List((1..n).map(group).collect()),
    })
}

/// `split`: the stripped line split on `sep` (or runs of whitespace), parts stripped.
pub fn split_value(sep: Option<&str>, line: &str) -> Value {
    let line = line.trim();
    let parts: Vec<Value> = match sep {
        Some(sep) => line
            .split(sep)
            .map(|p| Value::Str(p.trim().to_string()))
            .collect(),
        None => line
            .split_whitespace()
            .map(|p| Value::Str(p.to_string()))
            .collect(),
    };
    Value::List(parts)
}

/// The line parser for a key's parser kind (`None` for parsers that read no lines).
pub fn line_parser(kind: &ParserKind) -> Option<Box<LineParser<'_>>> {
    match kind {
        ParserKind::Regex(re) => Some(Box::new(move |l: &[&str], at: usize| {
            regex_value(re, l.get(at).copied().unwrap_or(""))
        })),
        ParserKind::Split(sep) => Some(Box::new(move |l: &[&str], at: usize| {
            Ok(split_value(
                sep.as_deref(),
                l.get(at).copied().unwrap_or(""),
            ))
        })),
        ParserKind::Table(t) => Some(Box::new(move |l: &[&str], at: usize| {
            super::table::parse(t, &l[at.min(l.len())..])
        })),
        ParserKind::Json {
            include_only,
            exclude,
            stop_at,
        } => Some(Box::new(move |l: &[&str], at: usize| {
            super::json::parse(
                &l[at.min(l.len())..],
                stop_at.as_ref(),
                include_only,
                exclude,
            )
        })),
        ParserKind::Command { .. } | ParserKind::Constant(_) | ParserKind::Filecheck => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn re(s: &str) -> Regex {
        Regex::new(s).unwrap()
    }

    fn s(x: &str) -> Value {
        Value::Str(x.to_string())
    }

    const TEXT: &str = "data1\ndata2\nsweet spot\ndata3\nsweet again\nx 7\nx 8\nx 7\n";

    #[test]
    fn positions_need_the_preceding_lines() {
        let l = lines(TEXT);
        let conds = [re(r"^data\d"), re("^sweet")];
        assert_eq!(next_position(&l, &conds, 0), Ok(Some(2)));
        assert_eq!(next_position(&l, &conds, 3), Ok(Some(4)));
        assert_eq!(next_position(&l, &conds, 5), Ok(None));
        // A failed attempt restarts on the line after its first line.
        let l = lines("a\na\nb\n");
        assert_eq!(next_position(&l, &[re("a"), re("b")], 0), Ok(Some(2)));
    }

    #[test]
    fn match_select_picks_among_matches() {
        let l = lines(TEXT);
        let conds = [re("^x")];
        let p = |l: &[&str], at: usize| regex_value(&re(r"x (\d)"), l[at]);
        let get = |sel| parse_lines(&l, &conds, sel, &p).unwrap();
        assert_eq!(get(MatchSelect::Index(0)), s("7"));
        assert_eq!(get(MatchSelect::Index(-1)), s("7"));
        assert_eq!(get(MatchSelect::Index(1)), s("8"));
        assert_eq!(get(MatchSelect::Index(-2)), s("8"));
        assert_eq!(get(MatchSelect::Index(5)), Value::Null);
        assert_eq!(get(MatchSelect::Index(-5)), Value::Null);
        assert_eq!(
            get(MatchSelect::All),
            Value::List(vec![s("7"), s("8"), s("7")])
        );
        assert_eq!(get(MatchSelect::Uniq), Value::List(vec![s("7"), s("8")]));
    }

    #[test]
    fn nulls_are_not_matches() {
        let l = lines("a 1\nb\na 2\n");
        let p = |l: &[&str], at: usize| regex_value(&re(r"a (\d)"), l[at]);
        let v = parse_lines(&l, &[re("")], MatchSelect::All, &p).unwrap();
        assert_eq!(v, Value::List(vec![s("1"), s("2")]));
        let v = parse_lines(&[], &[re("")], MatchSelect::Index(0), &p).unwrap();
        assert_eq!(v, Value::Null);
    }

    #[test]
    fn regex_groups() {
        assert_eq!(regex_value(&re(r"\d+"), "a 42 b"), Ok(s("42")));
        assert_eq!(
            regex_value(&re(r"(\d+) (\w+)"), "a 42 b"),
            Ok(Value::List(vec![s("42"), s("b")]))
        );
        assert_eq!(
            regex_value(&re(r"(\d+)(x)?"), "42"),
            Ok(Value::List(vec![s("42"), Value::Null]))
        );
        assert_eq!(regex_value(&re(r"n=(\d+)"), "n=5"), Ok(s("5")));
        assert_eq!(regex_value(&re(r"zzz"), "abc"), Ok(Value::Null));
        assert_eq!(regex_value(&re(r"(?<=a)b"), "ab"), Ok(s("b")));
    }

    #[test]
    fn split_parts() {
        assert_eq!(
            split_value(None, "  1  2\t3 "),
            Value::List(vec![s("1"), s("2"), s("3")])
        );
        assert_eq!(
            split_value(Some(","), " a, b,,c "),
            Value::List(vec![s("a"), s("b"), s(""), s("c")])
        );
    }
}
