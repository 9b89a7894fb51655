//! The typed `result_parse:` section (CONFIG.md §10.1): parser name → result key → options.
//!
//! Every parser has its own option struct, so an option of another parser is an unknown key
//! with a did-you-mean from the structural check. Leaves stay strings: they may hold `{{ }}`
//! expressions until resolution, and booleans, indexes and enums are interpreted by
//! [`super::spec`] (at config time by [`super::check`], and again in the allocation).

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;

/// One option value, untyped: what [`super::spec`] interprets.
#[derive(Debug, Clone, PartialEq)]
pub enum RawOpt {
    Str(String),
    List(Vec<String>),
}

/// Options by name, after layering.
pub type RawOpts = BTreeMap<&'static str, RawOpt>;

/// How a field becomes a [`RawOpt`]; `None` means "not set here" (null and `[]` do not override).
trait IntoRaw {
    fn raw(&self) -> Option<RawOpt>;
}

impl IntoRaw for Option<String> {
    fn raw(&self) -> Option<RawOpt> {
        self.clone().map(RawOpt::Str)
    }
}

impl IntoRaw for Option<Vec<String>> {
    fn raw(&self) -> Option<RawOpt> {
        self.clone()
            .filter(|items| !items.is_empty())
            .map(RawOpt::List)
    }
}

/// `stderr_dest: null` is a value of its own (send stderr to /dev/null), not "unset".
impl IntoRaw for Option<Option<String>> {
    fn raw(&self) -> Option<RawOpt> {
        self.as_ref()
            .map(|v| RawOpt::Str(v.clone().unwrap_or_else(|| "null".to_string())))
    }
}

/// Present-but-null becomes `Some(None)`; an absent field stays `None` through `default`.
fn explicit_null<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// Declares the option struct of one parser: the common options of §10.1 plus its own.
macro_rules! parser_options {
    (@name $field:ident) => { stringify!($field) };
    (@name $field:ident $yaml:literal) => { $yaml };
    ($(#[$doc:meta])* $name:ident {
        $($(#[$fdoc:meta])* $field:ident $(= $yaml:literal)? : $ty:ty,)*
    }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields, default)]
        pub struct $name {
            /// Globs of the files to parse, relative to the test run's `build/` directory
            /// (default `../run.log`); matches are sorted by name.
            pub files: Option<Vec<String>>,
            /// Regex selecting the line parsing starts on (searched anywhere in the line).
            pub for_lines_matching: Option<String>,
            /// Regexes that must match the lines just before, in order.
            pub preceded_by: Option<Vec<String>>,
            /// `first`, `last`, `all`, `uniq` or an integer index (negative from the end).
            pub match_select: Option<String>,
            /// How the parsed value is stored: `store`, `store_str`, `store_true`,
            /// `store_false`, `count`, `store_sum`, `store_min`, `store_max`, `store_mean`,
            /// `store_median`.
            pub action: Option<String>,
            /// How the values of several files combine: `first`, `last`, `name`, `name_list`,
            /// `list`, `all`, `any`.
            pub per_file: Option<String>,
            $($(#[$fdoc])* pub $field: $ty,)*
        }

        impl $name {
            /// The options set here, by name.
            pub fn raw(&self) -> RawOpts {
                let mut out = RawOpts::new();
                let mut put = |name: &'static str, v: Option<RawOpt>| {
                    if let Some(v) = v {
                        out.insert(name, v);
                    }
                };
                put("files", self.files.raw());
                put("for_lines_matching", self.for_lines_matching.raw());
                put("preceded_by", self.preceded_by.raw());
                put("match_select", self.match_select.raw());
                put("action", self.action.raw());
                put("per_file", self.per_file.raw());
                $(put(parser_options!(@name $field $($yaml)?), self.$field.raw());)*
                out
            }
        }
    };
}

parser_options! {
    /// `regex`: the match (or its groups) on the start line.
    RegexOptions {
        /// The regular expression (Python syntax); required.
        regex: Option<String>,
    }
}

parser_options! {
    /// `split`: the start line split into parts.
    SplitOptions {
        /// The separator; empty or unset splits on runs of whitespace.
        sep: Option<String>,
    }
}

parser_options! {
    /// `table`: a table starting at the start line, as `{row: {column: value}}`.
    TableOptions {
        /// Regex separating the cells of a row (default `\s+`).
        delimiter_re: Option<String>,
        /// Regex of lines to skip (default: divider lines of `|`, `+`, `-`, `=`).
        row_ignore_re: Option<String>,
        /// Regex of the line that ends the table (default: a blank line).
        table_end_re: Option<String>,
        /// Column names; by default the table's first line.
        col_names: Option<Vec<String>>,
        /// Whether the first cell of each row is its label (default true).
        has_row_labels: Option<String>,
        /// Store `{column: {row: value}}` instead (default false).
        by_column: Option<String>,
        /// Strip leading whitespace from each line first (default false).
        lstrip: Option<String>,
    }
}

parser_options! {
    /// `json`: JSON from the start line to the end of the file.
    JsonOptions {
        /// Dotted paths to keep (all others are dropped).
        include_only: Option<Vec<String>>,
        /// Dotted paths to remove.
        exclude: Option<Vec<String>>,
        /// Regex of the line after the JSON text.
        stop_at: Option<String>,
    }
}

parser_options! {
    /// `command`: runs a shell command once in `build/`.
    CommandOptions {
        /// The command (run with `/bin/sh -c`); required.
        command: Option<String>,
        /// `return_value` (default) or `stdout`.
        output_type: Option<String>,
        /// `stdout` (default: merged into stdout) or `null` (discarded).
        #[serde(deserialize_with = "explicit_null")]
        #[schemars(with = "Option<String>")]
        stderr_dest: Option<Option<String>>,
    }
}

parser_options! {
    /// `constant`: a fixed value.
    ConstantOptions {
        /// The value; required.
        #[serde(rename = "const")]
        constant = "const": Option<String>,
    }
}

parser_options! {
    /// `filecheck`: `true` for every file matched by `files`.
    FilecheckOptions {}
}

/// `result_parse:` — for each parser, result keys (and `_defaults`/`_default`) to options.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ResultParse {
    pub regex: BTreeMap<String, RegexOptions>,
    pub split: BTreeMap<String, SplitOptions>,
    pub table: BTreeMap<String, TableOptions>,
    pub json: BTreeMap<String, JsonOptions>,
    pub command: BTreeMap<String, CommandOptions>,
    pub constant: BTreeMap<String, ConstantOptions>,
    pub filecheck: BTreeMap<String, FilecheckOptions>,
}

/// The parser names, in the order results are gathered.
pub const PARSERS: &[&str] = &[
    "regex",
    "split",
    "table",
    "json",
    "command",
    "constant",
    "filecheck",
];

/// The keys of a parser's mapping that hold shared options rather than a result key.
pub const DEFAULTS_KEYS: &[&str] = &["_defaults", "_default"];

impl ResultParse {
    /// Every parser's entries as `(parser, key, options)`, `_defaults` included.
    pub fn entries(&self) -> Vec<(&'static str, &str, RawOpts)> {
        fn each<'a, T>(
            out: &mut Vec<(&'static str, &'a str, RawOpts)>,
            parser: &'static str,
            keys: &'a BTreeMap<String, T>,
            raw: fn(&T) -> RawOpts,
        ) {
            out.extend(keys.iter().map(|(k, o)| (parser, k.as_str(), raw(o))));
        }
        let mut out = Vec::new();
        each(&mut out, "regex", &self.regex, RegexOptions::raw);
        each(&mut out, "split", &self.split, SplitOptions::raw);
        each(&mut out, "table", &self.table, TableOptions::raw);
        each(&mut out, "json", &self.json, JsonOptions::raw);
        each(&mut out, "command", &self.command, CommandOptions::raw);
        each(&mut out, "constant", &self.constant, ConstantOptions::raw);
        each(
            &mut out,
            "filecheck",
            &self.filecheck,
            FilecheckOptions::raw,
        );
        out
    }

    /// Whether no parser is configured.
    pub fn is_empty(&self) -> bool {
        self.entries()
            .iter()
            .all(|(_, k, _)| DEFAULTS_KEYS.contains(k))
    }

    /// For each result key: its parser, its name as written and its layered options
    /// (`_default`, then `_defaults`, then the key's own; built-in defaults are applied later).
    pub fn layered(&self) -> Vec<(&'static str, String, RawOpts)> {
        let entries = self.entries();
        let mut out = Vec::new();
        for parser in PARSERS {
            let mine: Vec<&(&str, &str, RawOpts)> =
                entries.iter().filter(|(p, _, _)| p == parser).collect();
            let mut base = RawOpts::new();
            for dk in DEFAULTS_KEYS.iter().rev() {
                if let Some((_, _, opts)) = mine.iter().find(|(_, k, _)| k == dk) {
                    base.extend(opts.clone());
                }
            }
            for (_, key, opts) in mine {
                if DEFAULTS_KEYS.contains(key) {
                    continue;
                }
                let mut merged = base.clone();
                merged.extend(opts.clone());
                out.push((*parser, key.to_string(), merged));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::yaml::{from_node, load_str};

    fn parse(text: &str) -> ResultParse {
        let node = load_str(std::path::Path::new("t.yaml"), text).unwrap();
        from_node(&node, "t.result_parse").unwrap()
    }

    #[test]
    fn defaults_layer_under_key_options_and_empty_values_do_not_override() {
        let rp = parse(
            "regex:\n  _defaults: {files: ['*.out'], action: count}\n  _default: {action: store_str, per_file: list}\n  a: {regex: x, files: [], action: ~}\n  b: {regex: y, action: store_true}\n",
        );
        let layered = rp.layered();
        assert_eq!(layered.len(), 2);
        let (p, k, a) = &layered[0];
        assert_eq!((*p, k.as_str()), ("regex", "a"));
        assert_eq!(a["files"], RawOpt::List(vec!["*.out".into()]));
        assert_eq!(a["action"], RawOpt::Str("count".into()));
        assert_eq!(a["per_file"], RawOpt::Str("list".into()));
        assert_eq!(a["regex"], RawOpt::Str("x".into()));
        assert_eq!(layered[1].2["action"], RawOpt::Str("store_true".into()));
    }

    #[test]
    fn stderr_dest_null_is_a_value_and_const_is_renamed() {
        let rp = parse(
            "command:\n  c: {command: 'ls', stderr_dest: null}\n  d: {command: 'ls'}\nconstant:\n  k: {const: '5'}\n",
        );
        let layered = rp.layered();
        assert_eq!(layered[0].2["stderr_dest"], RawOpt::Str("null".into()));
        assert!(!layered[1].2.contains_key("stderr_dest"));
        assert_eq!(layered[2].2["const"], RawOpt::Str("5".into()));
        assert!(!rp.is_empty());
        assert!(ResultParse::default().is_empty());
    }

    #[test]
    fn a_scalar_is_a_one_item_file_list() {
        let rp = parse("filecheck:\n  f: {files: 'a*.txt'}\n");
        assert_eq!(
            rp.layered()[0].2["files"],
            RawOpt::List(vec!["a*.txt".into()])
        );
    }
}
