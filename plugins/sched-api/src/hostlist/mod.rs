//! Hostlists (SCHEDULING.md §7): the one implementation loggia uses for every node-list string
//! it reads (config keys, `SLURM_JOB_NODELIST`, reservation `Nodes=`, `flux getattr hostlist`)
//! or writes (`--nodelist`, `--exclude`, logs, `loggia show`).
//!
//! * [`expand`] turns `cn[01-03],gpu[1,4]` into names, keeping order and duplicates like
//!   `scontrol show hostnames`; [`expand_dedup`] and [`expand_all`] are the set-like variants.
//! * [`compress`] turns names back into the shortest bracket form: [`Style::Slurm`] for strings
//!   handed to a scheduler, [`Style::Extended`] (text allowed after `]`) for display.
//!
//! Limits (H6) are checked before anything is allocated: a range holds at most 65 536 values
//! and a hostlist at most 1 000 000 names. Numbers in ranges must fit in 128 bits; a range bound
//! beyond that is reported as a bad range (a single number is copied as written, whatever its
//! size). Where Slurm 22.05 is more lenient, loggia is stricter (§7.4 R3). A newline separates
//! items as §7.1 says, although Slurm 22.05 takes it as part of a name.
//!
//! The `hostlist-parser` crate is not used: it rejects `_` in names and cannot compress.

mod compress;
mod error;
mod expand;
mod num;
mod parse;

use std::collections::HashSet;

pub use error::{HostlistError, HostlistErrorKind};

use crate::natural::natural_sort_dedup;

/// At most this many names per hostlist (and per [`expand_all`] call), H6.
pub const MAX_NAMES: u64 = 1_000_000;

/// How [`compress`] splits a name into prefix, number and suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// The number is the digits at the end of the name; nothing may follow `]`. Used for every
    /// string handed to a scheduler (Slurm 22.05 rejects text after `]`).
    Slurm,
    /// The number is the last run of digits; text after it becomes a suffix after `]`
    /// (`cn[1-2]-ib`). Used for display, logs and error messages.
    Extended,
}

/// Expands a hostlist into names: items left to right, order and duplicates preserved (§7.2).
pub fn expand(s: &str) -> Result<Vec<String>, HostlistError> {
    let parsed = parse::parse(s, MAX_NAMES)?;
    Ok(expand::expand_parsed(&parsed))
}

/// Like [`expand`], keeping only the first occurrence of each name.
pub fn expand_dedup(s: &str) -> Result<Vec<String>, HostlistError> {
    let mut names = expand(s)?;
    dedup_keep_first(&mut names);
    Ok(names)
}

/// Expands a `HostlistList` (§0.1): every item is a hostlist; the result is de-duplicated and in
/// natural order. The name limit applies to the whole list, counted before de-duplication.
pub fn expand_all<S: AsRef<str>>(items: &[S]) -> Result<Vec<String>, HostlistError> {
    let mut names = Vec::new();
    let mut budget = MAX_NAMES;
    for item in items {
        let parsed = parse::parse(item.as_ref(), budget)?;
        budget -= parsed.total;
        names.extend(expand::expand_parsed(&parsed));
    }
    natural_sort_dedup(&mut names);
    Ok(names)
}

/// Compresses names into a hostlist (§7.3): duplicates removed, pieces in natural order of their
/// smallest name. The text is never longer than the names joined by commas (a group whose
/// brackets do not pay off is written name by name), and runs of more than 65 536 values are
/// split so that the text expands again (within the 1 000 000-name limit). Empty names are
/// skipped. Names are not validated: one outside the grammar is written as is and will not
/// expand back.
pub fn compress<S: AsRef<str>>(names: &[S], style: Style) -> String {
    let names: Vec<&str> = names.iter().map(AsRef::as_ref).collect();
    compress::compress(&names, style)
}

fn dedup_keep_first(names: &mut Vec<String>) {
    let keep: Vec<bool> = {
        let mut seen = HashSet::with_capacity(names.len());
        names.iter().map(|n| seen.insert(n.as_str())).collect()
    };
    let mut flags = keep.into_iter();
    names.retain(|_| flags.next().unwrap_or(false));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Vec<String> {
        expand(s).unwrap()
    }

    fn err(s: &str) -> String {
        expand(s).unwrap_err().to_string()
    }

    #[test]
    fn expansion_examples() {
        assert_eq!(ok("cn[8-10]"), ["cn8", "cn9", "cn10"]);
        assert_eq!(ok("cn[08-10]"), ["cn08", "cn09", "cn10"]);
        assert_eq!(ok("cn[008-10]"), ["cn008", "cn009", "cn010"]);
        assert_eq!(ok("cn[1-05]"), ["cn1", "cn2", "cn3", "cn4", "cn5"]);
        assert_eq!(ok("cn[007]"), ["cn007"]);
        assert_eq!(ok("r[1-2]c[1-2]"), ["r1c1", "r1c2", "r2c1", "r2c2"]);
        assert_eq!(ok("[1-3]"), ["1", "2", "3"]);
        assert_eq!(ok("cn[1-4]-ib"), ["cn1-ib", "cn2-ib", "cn3-ib", "cn4-ib"]);
        assert_eq!(
            ok("r[1-2]c[01-02]x"),
            ["r1c01x", "r1c02x", "r2c01x", "r2c02x"]
        );
        assert_eq!(ok("a[1,3-4,02]"), ["a1", "a3", "a4", "a02"]);
    }

    #[test]
    fn separators_order_and_duplicates() {
        assert_eq!(ok(""), Vec::<String>::new());
        assert_eq!(ok(" ,\t\n"), Vec::<String>::new());
        assert_eq!(ok("cn[1-2],cn1"), ["cn1", "cn2", "cn1"]);
        assert_eq!(ok("b a\tc\nd,,e"), ["b", "a", "c", "d", "e"]);
        assert_eq!(ok(" x_1.y-2 "), ["x_1.y-2"]);
        assert_eq!(ok("login"), ["login"]);
    }

    #[test]
    fn dedup_variants() {
        assert_eq!(
            expand_dedup("cn[2-3],cn1,cn2").unwrap(),
            ["cn2", "cn3", "cn1"]
        );
        assert_eq!(
            expand_all(&["cn[10-11]", "cn2,cn10", "cn02"]).unwrap(),
            ["cn2", "cn02", "cn10", "cn11"]
        );
        assert_eq!(expand_all::<&str>(&[]).unwrap(), Vec::<String>::new());
        let e = expand_all(&["ok[1-2]", "bad["]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid hostlist 'bad[': unbalanced brackets at column 4"
        );
    }

    #[test]
    fn h1_unbalanced_brackets() {
        assert_eq!(
            err("cn[1-3"),
            "invalid hostlist 'cn[1-3': unbalanced brackets at column 3"
        );
        assert_eq!(
            err("cn1]"),
            "invalid hostlist 'cn1]': unbalanced brackets at column 4"
        );
        assert_eq!(
            err("cn[[1]]"),
            "invalid hostlist 'cn[[1]]': unbalanced brackets at column 4"
        );
        assert_eq!(
            err("a,cn[1]]"),
            "invalid hostlist 'a,cn[1]]': unbalanced brackets at column 8"
        );
    }

    #[test]
    fn h2_empty_range() {
        assert_eq!(err("[]"), "invalid hostlist '[]': empty range at column 2");
        assert_eq!(
            err("cn[,2]"),
            "invalid hostlist 'cn[,2]': empty range at column 4"
        );
        assert_eq!(
            err("cn[2,]"),
            "invalid hostlist 'cn[2,]': empty range at column 6"
        );
        assert_eq!(
            err("cn[3-]"),
            "invalid hostlist 'cn[3-]': empty range at column 6"
        );
        assert_eq!(
            err("cn[-3]"),
            "invalid hostlist 'cn[-3]': empty range at column 4"
        );
    }

    #[test]
    fn h3_bad_range() {
        assert_eq!(
            err("cn[1-2-3]"),
            "invalid hostlist 'cn[1-2-3]': bad range '1-2-3' at column 4"
        );
        assert_eq!(
            err("cn[a-b]"),
            "invalid hostlist 'cn[a-b]': bad range 'a-b' at column 4"
        );
        assert_eq!(
            err("cn[1 - 3]"),
            "invalid hostlist 'cn[1 - 3]': bad range '1 - 3' at column 4"
        );
        assert_eq!(
            err("cn[1--3]"),
            "invalid hostlist 'cn[1--3]': bad range '1--3' at column 4"
        );
        assert_eq!(
            err("cn[1,+2]"),
            "invalid hostlist 'cn[1,+2]': bad range '+2' at column 6"
        );
    }

    #[test]
    fn h4_descending_range() {
        assert_eq!(
            err("cn[3-1]"),
            "invalid hostlist 'cn[3-1]': descending range '3-1' at column 4"
        );
        assert_eq!(
            err("x,cn[1,010-09]"),
            "invalid hostlist 'x,cn[1,010-09]': descending range '010-09' at column 8"
        );
    }

    #[test]
    fn h5_invalid_character() {
        assert_eq!(
            err("cn1!"),
            "invalid hostlist 'cn1!': invalid character '!' at column 4"
        );
        assert_eq!(
            err("cn@1"),
            "invalid hostlist 'cn@1': invalid character '@' at column 3"
        );
        assert_eq!(
            err("nœud1"),
            "invalid hostlist 'nœud1': invalid character 'œ' at column 2"
        );
        assert_eq!(
            err("a\r"),
            "invalid hostlist 'a\\r': invalid character '\\r' at column 2"
        );
    }

    #[test]
    fn h6_too_large() {
        assert_eq!(ok("cn[1-65536]").len(), 65_536);
        assert_eq!(
            err("cn[0-65536]"),
            "invalid hostlist 'cn[0-65536]': hostlist too large at column 4"
        );
        // 10^9 names are refused before any allocation.
        assert_eq!(
            err("a,r[1-1000]c[1-1000]n[1-1000]"),
            "invalid hostlist 'a,r[1-1000]c[1-1000]n[1-1000]': hostlist too large at column 3"
        );
        assert_eq!(ok("r[1-1000]c[1-1000]").len(), 1_000_000);
        assert_eq!(
            err("r[1-1000]c[1-1000],x"),
            "invalid hostlist 'r[1-1000]c[1-1000],x': hostlist too large at column 20"
        );
        let e = expand_all(&["a[1-60000]b[1-10]", "c[1-40000]b[1-10]", "c"]).unwrap_err();
        assert_eq!((e.input.as_str(), e.column), ("c", 1));
    }

    #[test]
    fn error_fields() {
        let e = expand("cn[1-3").unwrap_err();
        assert_eq!(e.input, "cn[1-3");
        assert_eq!(e.column, 3);
        assert_eq!(e.kind, HostlistErrorKind::UnbalancedBrackets);
    }

    #[test]
    fn compress_then_expand() {
        let names = ["cn10", "cn9", "cn010", "gpu_a1", "gpu_a2", "login", "cn9"];
        let text = compress(&names, Style::Slurm);
        assert_eq!(text, "cn[9-10,010],gpu_a[1-2],login");
        assert_eq!(
            expand(&text).unwrap(),
            ["cn9", "cn10", "cn010", "gpu_a1", "gpu_a2", "login"]
        );
    }
}
