//! Hostlist syntax (SCHEDULING.md §7.1): one left-to-right pass that splits the input into
//! items of literal text and bracket groups, validates every range, and counts the names each
//! item expands to, so that the size limits (H6) are checked before anything is allocated.

use super::error::{HostlistError, HostlistErrorKind};
use super::num::parse_digits;

/// A range of a single bracket group may hold at most this many values (H6).
pub(crate) const MAX_RANGE_VALUES: u128 = 65_536;

/// One element of a bracket group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Range<'a> {
    /// `NUM`: the number exactly as written.
    Single(&'a str),
    /// `lo-hi`: every value, zero-padded to `width` (the written width of `lo`).
    Span { lo: u128, hi: u128, width: usize },
}

impl Range<'_> {
    fn count(&self) -> u128 {
        match self {
            Range::Single(_) => 1,
            Range::Span { lo, hi, .. } => hi - lo + 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part<'a> {
    Text(&'a str),
    Group(Vec<Range<'a>>),
}

/// A parsed hostlist and the number of names it expands to. The parts of all items share one
/// vector, so a list of 100 000 plain names costs no allocation per name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Parsed<'a> {
    parts: Vec<Part<'a>>,
    /// Each whitespace- or comma-separated item as a non-empty range of `parts`.
    items: Vec<std::ops::Range<usize>>,
    pub(crate) total: u64,
}

impl<'a> Parsed<'a> {
    /// The parts of each item, in order.
    pub(crate) fn items(&self) -> impl Iterator<Item = &[Part<'a>]> {
        self.items.iter().map(|r| &self.parts[r.clone()])
    }
}

fn is_sep(c: char) -> bool {
    matches!(c, ',' | ' ' | '\t' | '\n')
}

/// Characters allowed in the literal text of an item.
fn is_text_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// Parses `input`, failing with H6 when it would expand to more than `budget` names.
pub(crate) fn parse(input: &str, budget: u64) -> Result<Parsed<'_>, HostlistError> {
    let err = |column: usize, kind: HostlistErrorKind| HostlistError::new(input, column, kind);
    let mut p = Parsed {
        parts: Vec::new(),
        items: Vec::new(),
        total: 0,
    };
    let mut item_start = 0;
    let mut item_count: u64 = 1;
    let mut item_column = 0;
    // Byte offset where the pending literal text started.
    let mut text_start: Option<usize> = None;

    let mut chars = input.char_indices();
    let mut column = 0;
    loop {
        let next = chars.next();
        if let Some((_, c)) = next {
            column += 1;
            if is_text_char(c) {
                if text_start.is_none() && p.parts.len() == item_start {
                    item_column = column;
                }
                if text_start.is_none() {
                    text_start = next.map(|(pos, _)| pos);
                }
                continue;
            }
        }
        // Anything but text ends the pending literal.
        let here = next.map_or(input.len(), |(pos, _)| pos);
        if let Some(start) = text_start.take() {
            p.parts.push(Part::Text(&input[start..here]));
        }
        match next {
            None => {
                finish_item(&mut p, item_start, item_count, budget)
                    .map_err(|()| err(item_column, HostlistErrorKind::TooLarge))?;
                break;
            }
            Some((_, c)) if is_sep(c) => {
                finish_item(&mut p, item_start, item_count, budget)
                    .map_err(|()| err(item_column, HostlistErrorKind::TooLarge))?;
                item_start = p.parts.len();
                item_count = 1;
            }
            Some((_, '[')) => {
                if p.parts.len() == item_start {
                    item_column = column;
                }
                let (ranges, count) = parse_group(input, &mut chars, &mut column)?;
                item_count = item_count.saturating_mul(count);
                p.parts.push(Part::Group(ranges));
            }
            Some((_, ']')) => return Err(err(column, HostlistErrorKind::UnbalancedBrackets)),
            Some((_, c)) => return Err(err(column, HostlistErrorKind::InvalidCharacter(c))),
        }
    }
    Ok(p)
}

/// Records the item made of the parts from `start` on, if any; `Err` when the names would
/// exceed the budget.
fn finish_item(p: &mut Parsed<'_>, start: usize, count: u64, budget: u64) -> Result<(), ()> {
    if p.parts.len() == start {
        return Ok(());
    }
    p.total = p.total.saturating_add(count);
    if p.total > budget {
        return Err(());
    }
    p.items.push(start..p.parts.len());
    Ok(())
}

/// Parses a group after its `[` (at `*column`) up to and including its `]`; returns the ranges
/// and the number of values they yield (saturating). The brackets are checked before the
/// ranges, so an unclosed group is reported as such rather than by its first odd element.
fn parse_group<'a>(
    input: &'a str,
    chars: &mut std::str::CharIndices<'a>,
    column: &mut usize,
) -> Result<(Vec<Range<'a>>, u64), HostlistError> {
    let open_column = *column;
    let content_start = chars.offset();
    let content_end = loop {
        let Some((pos, c)) = chars.next() else {
            return Err(HostlistError::new(
                input,
                open_column,
                HostlistErrorKind::UnbalancedBrackets,
            ));
        };
        *column += 1;
        match c {
            '[' => {
                return Err(HostlistError::new(
                    input,
                    *column,
                    HostlistErrorKind::UnbalancedBrackets,
                ))
            }
            ']' => break pos,
            _ => {}
        }
    };
    let mut ranges = Vec::new();
    let mut count: u64 = 0;
    let mut elem_column = open_column + 1;
    for elem in input[content_start..content_end].split(',') {
        let range = parse_range(input, elem, elem_column)?;
        let values = u64::try_from(range.count()).unwrap_or(u64::MAX);
        count = count.saturating_add(values);
        ranges.push(range);
        elem_column += elem.chars().count() + 1;
    }
    Ok((ranges, count))
}

/// Validates one range element written at `column`.
fn parse_range<'a>(input: &str, elem: &'a str, column: usize) -> Result<Range<'a>, HostlistError> {
    let err = |column: usize, kind: HostlistErrorKind| HostlistError::new(input, column, kind);
    let is_num = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let bad = || err(column, HostlistErrorKind::BadRange(elem.to_owned()));

    let Some((lo, hi)) = elem.split_once('-') else {
        if elem.is_empty() {
            return Err(err(column, HostlistErrorKind::EmptyRange));
        }
        return if is_num(elem) {
            Ok(Range::Single(elem))
        } else {
            Err(bad())
        };
    };
    match (lo.is_empty(), hi.is_empty()) {
        // `[-3]`, `[3-]`, `[-]`: the missing bound is where the column points.
        (true, _) if hi.is_empty() || is_num(hi) => {
            return Err(err(column, HostlistErrorKind::EmptyRange))
        }
        (false, true) if is_num(lo) => {
            return Err(err(
                column + lo.chars().count() + 1,
                HostlistErrorKind::EmptyRange,
            ))
        }
        _ => {}
    }
    if !is_num(lo) || !is_num(hi) {
        return Err(bad());
    }
    let (Some(lo_v), Some(hi_v)) = (parse_digits(lo), parse_digits(hi)) else {
        return Err(bad());
    };
    if hi_v < lo_v {
        return Err(err(
            column,
            HostlistErrorKind::DescendingRange {
                lo: lo.to_owned(),
                hi: hi.to_owned(),
            },
        ));
    }
    if hi_v - lo_v + 1 > MAX_RANGE_VALUES {
        return Err(err(column, HostlistErrorKind::TooLarge));
    }
    Ok(Range::Span {
        lo: lo_v,
        hi: hi_v,
        width: lo.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(s: &str) -> (HostlistErrorKind, usize) {
        let e = parse(s, 1_000_000).unwrap_err();
        (e.kind, e.column)
    }

    #[test]
    fn items_and_parts() {
        let p = parse(" r[1-2]c[01,7]-ib, x ", 1_000_000).unwrap();
        assert_eq!(p.total, 5);
        let items: Vec<&[Part<'_>]> = p.items().collect();
        assert_eq!(
            items,
            [
                &[
                    Part::Text("r"),
                    Part::Group(vec![Range::Span {
                        lo: 1,
                        hi: 2,
                        width: 1
                    }]),
                    Part::Text("c"),
                    Part::Group(vec![Range::Single("01"), Range::Single("7")]),
                    Part::Text("-ib"),
                ][..],
                &[Part::Text("x")][..],
            ]
        );
    }

    #[test]
    fn empty_inputs() {
        for s in ["", ",", " \t\n,, "] {
            let p = parse(s, 1_000_000).unwrap();
            assert_eq!(p.items().count(), 0, "{s:?}");
            assert_eq!(p.total, 0);
        }
    }

    #[test]
    fn error_columns() {
        assert_eq!(kind("cn[1-3"), (HostlistErrorKind::UnbalancedBrackets, 3));
        assert_eq!(kind("cn1]"), (HostlistErrorKind::UnbalancedBrackets, 4));
        assert_eq!(kind("cn[[1]]"), (HostlistErrorKind::UnbalancedBrackets, 4));
        assert_eq!(kind("[]"), (HostlistErrorKind::EmptyRange, 2));
        assert_eq!(kind("[,2]"), (HostlistErrorKind::EmptyRange, 2));
        assert_eq!(kind("[2,]"), (HostlistErrorKind::EmptyRange, 4));
        assert_eq!(kind("[3-]"), (HostlistErrorKind::EmptyRange, 4));
        assert_eq!(kind("[-3]"), (HostlistErrorKind::EmptyRange, 2));
        assert_eq!(kind("a[1,-]"), (HostlistErrorKind::EmptyRange, 5));
        // An unclosed group is reported before the odd elements inside it.
        assert_eq!(kind("n[3-1,,x"), (HostlistErrorKind::UnbalancedBrackets, 2));
        assert_eq!(
            kind("n[3-1,,x[2]"),
            (HostlistErrorKind::UnbalancedBrackets, 9)
        );
    }

    #[test]
    fn budget_is_checked_per_item_before_allocation() {
        let e = parse("a[1-600],b[1-500]", 1000).unwrap_err();
        assert_eq!((e.kind, e.column), (HostlistErrorKind::TooLarge, 10));
        assert_eq!(parse("a[1-600],b[1-400]", 1000).unwrap().total, 1000);
    }

    #[test]
    fn huge_bounds_beyond_u128_are_bad_ranges() {
        let big = "1".repeat(40);
        let (k, col) = kind(&format!("x[{big}-{big}]"));
        assert_eq!(k, HostlistErrorKind::BadRange(format!("{big}-{big}")));
        assert_eq!(col, 3);
        // A single number is used as written, whatever its size.
        assert_eq!(parse(&format!("x[{big}]"), 10).unwrap().total, 1);
    }
}
