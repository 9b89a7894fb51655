//! Expansion of a parsed hostlist (SCHEDULING.md §7.2): items left to right, each item the
//! cartesian product of its groups with the leftmost group varying slowest. Order and
//! duplicates are kept; the caller has already checked the size limits.

use super::num::push_padded;
use super::parse::{Parsed, Part, Range};

/// Position inside one group: which range, and the current value when it is a span.
#[derive(Clone, Copy)]
struct Cursor {
    range: usize,
    value: u128,
}

fn first(ranges: &[Range<'_>]) -> Cursor {
    Cursor {
        range: 0,
        value: start(ranges.first()),
    }
}

fn start(range: Option<&Range<'_>>) -> u128 {
    match range {
        Some(Range::Span { lo, .. }) => *lo,
        _ => 0,
    }
}

/// Moves to the next value of the group; `false` when the group is exhausted.
fn advance(ranges: &[Range<'_>], cur: &mut Cursor) -> bool {
    if let Some(Range::Span { hi, .. }) = ranges.get(cur.range) {
        if cur.value < *hi {
            cur.value += 1;
            return true;
        }
    }
    cur.range += 1;
    cur.value = start(ranges.get(cur.range));
    cur.range < ranges.len()
}

/// Expands a parsed hostlist into its `total` names.
pub(crate) fn expand_parsed(parsed: &Parsed<'_>) -> Vec<String> {
    let mut out = Vec::with_capacity(usize::try_from(parsed.total).unwrap_or(0));
    // One cursor per group, reused across items.
    let mut cursors: Vec<Cursor> = Vec::new();
    for item in parsed.items() {
        cursors.clear();
        cursors.extend(item.iter().filter_map(|p| match p {
            Part::Group(ranges) => Some(first(ranges)),
            Part::Text(_) => None,
        }));
        let mut len_hint = 0;
        loop {
            let mut name = String::with_capacity(len_hint);
            let mut g = 0;
            for part in item {
                match part {
                    Part::Text(t) => name.push_str(t),
                    Part::Group(ranges) => {
                        match (ranges.get(cursors[g].range), cursors[g].value) {
                            (Some(Range::Single(s)), _) => name.push_str(s),
                            (Some(Range::Span { width, .. }), v) => {
                                push_padded(&mut name, v, *width)
                            }
                            (None, _) => {}
                        }
                        g += 1;
                    }
                }
            }
            len_hint = name.len();
            out.push(name);
            if !next_combination(item, &mut cursors) {
                break;
            }
        }
    }
    out
}

/// Odometer step over the groups of `item`, rightmost group fastest; `false` after the last
/// combination.
fn next_combination(item: &[Part<'_>], cursors: &mut [Cursor]) -> bool {
    let groups = item.iter().filter_map(|p| match p {
        Part::Group(ranges) => Some(ranges.as_slice()),
        Part::Text(_) => None,
    });
    for (ranges, cur) in groups.rev().zip(cursors.iter_mut().rev()) {
        if advance(ranges, cur) {
            return true;
        }
        *cur = first(ranges);
    }
    false
}
