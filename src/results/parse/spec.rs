//! From layered options to a checked parse plan for one result key (CONFIG.md §10.1–§10.4):
//! built-in defaults applied, enums and booleans interpreted, regexes compiled, and the rules
//! on which options each parser and the `result` key accept. The same function serves the
//! config-time check (errors become located config errors) and the allocation (errors go to
//! `pav_result_errors`).

use super::config::{RawOpt, RawOpts};
use fancy_regex::Regex;

/// §10.1 `match_select`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchSelect {
    All,
    Uniq,
    /// `first` is 0, `last` is −1.
    Index(i64),
}

/// §10.3 actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Store,
    StoreStr,
    StoreTrue,
    StoreFalse,
    Count,
    Sum,
    Min,
    Max,
    Mean,
    Median,
}

/// §10.4 `per_file`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PerFile {
    First,
    Last,
    Name,
    NameList,
    List,
    All,
    Any,
}

const ACTIONS: &[(&str, Action)] = &[
    ("store", Action::Store),
    ("store_str", Action::StoreStr),
    ("store_true", Action::StoreTrue),
    ("store_false", Action::StoreFalse),
    ("count", Action::Count),
    ("store_sum", Action::Sum),
    ("store_min", Action::Min),
    ("store_max", Action::Max),
    ("store_mean", Action::Mean),
    ("store_median", Action::Median),
];

const PER_FILES: &[(&str, PerFile)] = &[
    ("first", PerFile::First),
    ("last", PerFile::Last),
    ("name", PerFile::Name),
    ("name_list", PerFile::NameList),
    ("list", PerFile::List),
    ("all", PerFile::All),
    ("any", PerFile::Any),
];

/// §10.2 default `row_ignore_re`: divider lines of `|`, `+`, `-`, `=` and whitespace.
pub const ROW_IGNORE_DEFAULT: &str = r"^(\s*(\||\+|-|=)+)+\s*$";

/// The table parser's settings.
#[derive(Debug, Clone)]
pub struct TableSpec {
    pub delimiter: Regex,
    pub row_ignore: Regex,
    pub table_end: Regex,
    pub col_names: Vec<String>,
    pub has_row_labels: bool,
    pub by_column: bool,
    pub lstrip: bool,
}

/// What a key's parser does, with its own options.
#[derive(Debug, Clone)]
pub enum ParserKind {
    Regex(Regex),
    /// `None`: runs of whitespace.
    Split(Option<String>),
    Table(Box<TableSpec>),
    Json {
        include_only: Vec<String>,
        exclude: Vec<String>,
        stop_at: Option<Regex>,
    },
    Command {
        command: String,
        stdout: bool,
        stderr_null: bool,
    },
    Constant(String),
    Filecheck,
}

/// Everything needed to parse one result key.
#[derive(Debug, Clone)]
pub struct KeySpec {
    /// The key as written (`flops` or a multi-key `"a, b, _"`).
    pub key: String,
    pub files: Vec<String>,
    /// `preceded_by` then `for_lines_matching`.
    pub conds: Vec<Regex>,
    pub match_select: MatchSelect,
    pub action: Action,
    pub per_file: PerFile,
    pub kind: ParserKind,
}

/// A problem with one option (`option: None` = with the key itself).
#[derive(Debug, Clone, PartialEq)]
pub struct OptError {
    pub option: Option<&'static str>,
    pub message: String,
    pub expected: Option<String>,
}

impl OptError {
    fn at(option: &'static str, message: String, expected: &str) -> Self {
        OptError {
            option: Some(option),
            message,
            expected: (!expected.is_empty()).then(|| expected.to_string()),
        }
    }

    /// The message with the expectation, for `pav_result_errors`.
    pub fn text(&self) -> String {
        match &self.expected {
            Some(e) => format!("{} (expected {e})", self.message),
            None => self.message.clone(),
        }
    }
}

/// Options each parser accepts beyond the common ones.
pub fn own_options(parser: &str) -> &'static [&'static str] {
    match parser {
        "regex" => &["regex"],
        "split" => &["sep"],
        "table" => &[
            "delimiter_re",
            "row_ignore_re",
            "table_end_re",
            "col_names",
            "has_row_labels",
            "by_column",
            "lstrip",
        ],
        "json" => &["include_only", "exclude", "stop_at"],
        "command" => &["command", "output_type", "stderr_dest"],
        "constant" => &["const"],
        _ => &[],
    }
}

/// Required own options of a parser.
pub fn required_options(parser: &str) -> &'static [&'static str] {
    match parser {
        "regex" => &["regex"],
        "command" => &["command"],
        "constant" => &["const"],
        _ => &[],
    }
}

/// Common options a parser does not use, so setting them is an error (§10.2 table; for
/// `command` and `filecheck` also the line-selection options, which they would ignore).
fn unused_common(parser: &str) -> &'static [&'static str] {
    match parser {
        "command" => &[
            "files",
            "per_file",
            "match_select",
            "for_lines_matching",
            "preceded_by",
        ],
        "constant" => &[
            "files",
            "per_file",
            "match_select",
            "for_lines_matching",
            "preceded_by",
        ],
        "filecheck" => &["for_lines_matching", "preceded_by"],
        _ => &[],
    }
}

/// The names of a (multi-)key: `None` for `_` and empty names (skipped); a trailing comma
/// only ends the list.
pub fn key_names(key: &str) -> Vec<Option<String>> {
    if !key.contains(',') {
        return vec![Some(key.trim().to_string())];
    }
    let mut parts: Vec<&str> = key.split(',').map(str::trim).collect();
    if parts.last() == Some(&"") {
        parts.pop();
    }
    parts
        .into_iter()
        .map(|p| (!p.is_empty() && p != "_").then(|| p.to_string()))
        .collect()
}

/// Compiles a regex from a config (Python `re` syntax, Y7).
pub fn compile(re: &str) -> Result<Regex, String> {
    Regex::new(re).map_err(|e| format!("invalid regular expression '{re}': {e}"))
}

struct Opts<'a>(&'a RawOpts);

impl Opts<'_> {
    fn str(&self, name: &'static str) -> Result<Option<&str>, OptError> {
        match self.0.get(name) {
            None => Ok(None),
            Some(RawOpt::Str(s)) => Ok(Some(s)),
            Some(RawOpt::List(_)) => Err(OptError::at(
                name,
                format!("'{name}' must be a single value, found a list"),
                "",
            )),
        }
    }

    fn list(&self, name: &'static str) -> Vec<String> {
        match self.0.get(name) {
            None => Vec::new(),
            Some(RawOpt::Str(s)) => vec![s.clone()],
            Some(RawOpt::List(l)) => l.clone(),
        }
    }

    fn regex(&self, name: &'static str, default: &str) -> Result<Regex, OptError> {
        let text = self.str(name)?.unwrap_or(default);
        compile(text).map_err(|m| OptError::at(name, m, "a regular expression"))
    }

    fn bool(&self, name: &'static str, default: bool) -> Result<bool, OptError> {
        crate::run::create::parse_bool(self.str(name)?, default)
            .map_err(|m| OptError::at(name, format!("'{name}': {m}"), "true, false, yes or no"))
    }

    fn choice<T: Copy>(
        &self,
        name: &'static str,
        table: &[(&str, T)],
        default: T,
    ) -> Result<T, OptError> {
        let Some(given) = self.str(name)? else {
            return Ok(default);
        };
        let given = given.trim();
        table
            .iter()
            .find(|(n, _)| *n == given)
            .map(|(_, v)| *v)
            .ok_or_else(|| {
                let names: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
                OptError::at(
                    name,
                    format!("unknown {name} '{given}'"),
                    &format!("one of: {}", names.join(", ")),
                )
            })
    }
}

/// Parses `match_select`: a keyword or an integer.
pub fn match_select(text: Option<&str>) -> Result<MatchSelect, String> {
    match text.map(str::trim) {
        None | Some("first") => Ok(MatchSelect::Index(0)),
        Some("last") => Ok(MatchSelect::Index(-1)),
        Some("all") => Ok(MatchSelect::All),
        Some("uniq") => Ok(MatchSelect::Uniq),
        Some(other) => other
            .parse::<i64>()
            .map(MatchSelect::Index)
            .map_err(|_| format!("invalid match_select '{other}'")),
    }
}

/// Checks a key's layered options and builds its plan.
pub fn build(parser: &str, key: &str, opts: &RawOpts) -> Result<KeySpec, OptError> {
    let o = Opts(opts);
    for name in opts.keys() {
        if unused_common(parser).contains(name) {
            return Err(OptError::at(
                name,
                format!("the {parser} parser does not use '{name}'"),
                "the option left out",
            ));
        }
    }
    for name in required_options(parser) {
        if !opts.contains_key(name) {
            return Err(OptError {
                option: None,
                message: format!("the {parser} parser needs the option '{name}' for key '{key}'"),
                expected: None,
            });
        }
    }
    let names = key_names(key);
    let multi = key.contains(',');
    let is_result = names.iter().flatten().any(|n| n == "result");
    if is_result && multi {
        return Err(OptError {
            option: None,
            message: "'result' cannot be part of a multi-key: it holds a single true/false"
                .to_string(),
            expected: None,
        });
    }
    let mut action = o.choice("action", ACTIONS, Action::Store)?;
    if is_result && !matches!(action, Action::StoreTrue | Action::StoreFalse) {
        action = Action::StoreTrue;
    }
    let per_file = o.choice("per_file", PER_FILES, PerFile::First)?;
    if is_result
        && !matches!(
            per_file,
            PerFile::First | PerFile::Last | PerFile::Any | PerFile::All
        )
    {
        return Err(OptError::at(
            "per_file",
            "per_file for the 'result' key must give one true/false".to_string(),
            "one of: first, last, any, all",
        ));
    }
    if multi && matches!(per_file, PerFile::Any | PerFile::All) {
        return Err(OptError::at(
            "per_file",
            "per_file 'any'/'all' gives one true/false, which a multi-key cannot spread"
                .to_string(),
            "one of: first, last, name, name_list, list",
        ));
    }
    let match_select = match_select(o.str("match_select")?).map_err(|m| {
        OptError::at(
            "match_select",
            m,
            "first, last, all, uniq or an integer index",
        )
    })?;
    if parser == "filecheck" && match_select != MatchSelect::Index(0) {
        return Err(OptError::at(
            "match_select",
            "the filecheck parser gives one value per file".to_string(),
            "first",
        ));
    }
    let mut files = o.list("files");
    if files.is_empty() {
        files.push("../run.log".to_string());
    }
    let mut conds = Vec::new();
    for re in o.list("preceded_by") {
        conds
            .push(compile(&re).map_err(|m| OptError::at("preceded_by", m, "regular expressions"))?);
    }
    conds.push(o.regex("for_lines_matching", "")?);
    let kind = match parser {
        "regex" => ParserKind::Regex(o.regex("regex", "")?),
        "split" => ParserKind::Split(o.str("sep")?.filter(|s| !s.is_empty()).map(str::to_string)),
        "table" => ParserKind::Table(Box::new(TableSpec {
            delimiter: o.regex("delimiter_re", r"\s+")?,
            row_ignore: o.regex("row_ignore_re", ROW_IGNORE_DEFAULT)?,
            table_end: o.regex("table_end_re", r"^\s*$")?,
            col_names: o.list("col_names"),
            has_row_labels: o.bool("has_row_labels", true)?,
            by_column: o.bool("by_column", false)?,
            lstrip: o.bool("lstrip", false)?,
        })),
        "json" => ParserKind::Json {
            include_only: o.list("include_only"),
            exclude: o.list("exclude"),
            stop_at: match o.str("stop_at")? {
                Some(s) => Some(compile(s).map_err(|m| OptError::at("stop_at", m, ""))?),
                None => None,
            },
        },
        "command" => ParserKind::Command {
            command: o.str("command")?.unwrap_or_default().to_string(),
            stdout: o.choice(
                "output_type",
                &[("return_value", false), ("stdout", true)],
                false,
            )?,
            stderr_null: o.choice("stderr_dest", &[("stdout", false), ("null", true)], false)?,
        },
        "constant" => ParserKind::Constant(o.str("const")?.unwrap_or_default().to_string()),
        "filecheck" => ParserKind::Filecheck,
        other => {
            return Err(OptError {
                option: None,
                message: format!("unknown result parser '{other}'"),
                expected: Some(format!("one of: {}", super::config::PARSERS.join(", "))),
            })
        }
    };
    Ok(KeySpec {
        key: key.to_string(),
        files,
        conds,
        match_select,
        action,
        per_file,
        kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(pairs: &[(&'static str, &str)]) -> RawOpts {
        pairs
            .iter()
            .map(|(k, v)| (*k, RawOpt::Str(v.to_string())))
            .collect()
    }

    fn err(parser: &str, key: &str, pairs: &[(&'static str, &str)]) -> OptError {
        match build(parser, key, &opts(pairs)) {
            Err(e) => e,
            Ok(s) => panic!("expected an error, got {s:?}"),
        }
    }

    #[test]
    fn defaults_apply() {
        let s = build("regex", "k", &opts(&[("regex", "a(b)")])).unwrap();
        assert_eq!(s.files, vec!["../run.log".to_string()]);
        assert_eq!(s.conds.len(), 1);
        assert_eq!(s.conds[0].as_str(), "");
        assert_eq!(s.match_select, MatchSelect::Index(0));
        assert_eq!(s.action, Action::Store);
        assert_eq!(s.per_file, PerFile::First);
    }

    #[test]
    fn result_key_forces_store_true_and_limits_per_file() {
        let s = build(
            "regex",
            "result",
            &opts(&[("regex", "x"), ("action", "count")]),
        )
        .unwrap();
        assert_eq!(s.action, Action::StoreTrue);
        let s = build(
            "regex",
            "result",
            &opts(&[("regex", "x"), ("action", "store_false")]),
        )
        .unwrap();
        assert_eq!(s.action, Action::StoreFalse);
        let e = err("regex", "result", &[("regex", "x"), ("per_file", "list")]);
        assert_eq!(e.option, Some("per_file"));
        assert_eq!(e.expected.as_deref(), Some("one of: first, last, any, all"));
        assert_eq!(err("regex", "a, result", &[("regex", "x")]).option, None);
    }

    #[test]
    fn bad_values_name_their_option() {
        let e = err("regex", "k", &[("regex", "(")]);
        assert_eq!(e.option, Some("regex"));
        assert!(
            e.message.starts_with("invalid regular expression '('"),
            "{e:?}"
        );
        let e = err("regex", "k", &[("regex", "x"), ("action", "stor")]);
        assert_eq!(e.message, "unknown action 'stor'");
        let e = err("regex", "k", &[("regex", "x"), ("per_file", "every")]);
        assert_eq!(e.option, Some("per_file"));
        let e = err("regex", "k", &[("regex", "x"), ("match_select", "2nd")]);
        assert_eq!(e.message, "invalid match_select '2nd'");
        let e = err("table", "k", &[("by_column", "maybe")]);
        assert_eq!(e.option, Some("by_column"));
        assert_eq!(
            err("regex", "k", &[]).message,
            "the regex parser needs the option 'regex' for key 'k'"
        );
        let e = err("command", "k", &[("command", "true"), ("files", "x")]);
        assert_eq!(e.message, "the command parser does not use 'files'");
        let e = err("constant", "k", &[("const", "1"), ("per_file", "last")]);
        assert_eq!(e.option, Some("per_file"));
        let e = err("filecheck", "k", &[("match_select", "last")]);
        assert_eq!(e.option, Some("match_select"));
        let e = err("command", "k", &[("command", "x"), ("stderr_dest", "file")]);
        assert_eq!(e.expected.as_deref(), Some("one of: stdout, null"));
        let e = err("regex", "a, b", &[("regex", "x"), ("per_file", "any")]);
        assert_eq!(e.option, Some("per_file"));
    }

    #[test]
    fn match_select_values() {
        assert_eq!(match_select(Some("last")), Ok(MatchSelect::Index(-1)));
        assert_eq!(match_select(Some("-2")), Ok(MatchSelect::Index(-2)));
        assert_eq!(match_select(Some("uniq")), Ok(MatchSelect::Uniq));
        assert_eq!(match_select(None), Ok(MatchSelect::Index(0)));
    }

    #[test]
    fn multi_key_names() {
        let n = |k: &str| key_names(k);
        assert_eq!(n("a"), vec![Some("a".to_string())]);
        assert_eq!(
            n("a, _, b"),
            vec![Some("a".to_string()), None, Some("b".to_string())]
        );
        assert_eq!(n("a,"), vec![Some("a".to_string())]);
        assert_eq!(n("a,,b"), vec![Some("a".into()), None, Some("b".into())]);
    }

    #[test]
    fn parser_specific_settings() {
        let s = build(
            "table",
            "t",
            &opts(&[("has_row_labels", "no"), ("lstrip", "True")]),
        )
        .unwrap();
        let ParserKind::Table(t) = s.kind else {
            panic!("not a table")
        };
        assert!(!t.has_row_labels && t.lstrip && !t.by_column);
        assert_eq!(t.row_ignore.as_str(), ROW_IGNORE_DEFAULT);
        let s = build(
            "command",
            "c",
            &opts(&[("command", "ls"), ("output_type", "stdout")]),
        )
        .unwrap();
        assert!(matches!(
            s.kind,
            ParserKind::Command {
                stdout: true,
                stderr_null: false,
                ..
            }
        ));
        let s = build("split", "s", &opts(&[("sep", "")])).unwrap();
        assert!(matches!(s.kind, ParserKind::Split(None)));
    }
}
