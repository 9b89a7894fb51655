//! The config-time check of `result_parse:` (CONFIG.md §10, Y1, Y8): structure (unknown
//! parsers and options, wrong shapes) through the typed config, then every key's options as the
//! allocation will use them (regexes, actions, `per_file`, `match_select`, booleans, the rules
//! for `result` and for each parser), reported at the offending value's `file:line:col`.
//! Values still holding deferred expressions are checked in the allocation instead.

use super::config::{RawOpt, ResultParse, DEFAULTS_KEYS};
use super::spec::{self, OptError};
use crate::config::yaml::{from_node, ConfigError, ErrorKind, Node, Span};
use std::collections::BTreeMap;

/// Result keys set by loggia itself (CONFIG.md §12); `result` may be set by a parser.
const BASE_KEYS: &[&str] = &[
    "name",
    "id",
    "uuid",
    "test_version",
    "pav_version",
    "created",
    "started",
    "finished",
    "duration",
    "user",
    "sys_name",
    "job_info",
    "permute_on",
    "sched",
    "var",
    "return_value",
    "per_file",
    "pav_result_errors",
    "exit_info",
];

/// `^[a-zA-Z_]\w*$`
fn valid_key(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// Where an option of `key` was given: the key's own value, else `_defaults`/`_default`.
fn option_at<'a>(parser_node: &'a Node, key: &str, option: &str) -> Option<(&'a Node, String)> {
    let set = |n: &Node| !(n.is_null() || n.as_seq().is_some_and(<[Node]>::is_empty));
    [key, "_defaults", "_default"].into_iter().find_map(|src| {
        parser_node
            .get(src)
            .and_then(|k| k.get(option))
            .filter(|n| set(n))
            .map(|n| (n, format!("{src}.{option}")))
    })
}

/// Checks the `result_parse` tree `node` of test `test` (e.g. `suite.test`); `deferred` are the
/// test's deferred key paths (`result_parse.regex.speed.regex`, …), whose values are checked
/// in the allocation instead. Returns the typed config.
pub fn check_result_parse(
    node: &Node,
    test: &str,
    deferred: &[String],
) -> Result<ResultParse, ConfigError> {
    let base = format!("{test}.result_parse");
    let cfg: ResultParse = from_node(node, &base)?;
    let layered = cfg.layered();
    let mut owners: BTreeMap<String, &str> = BTreeMap::new();
    for (pkey, parser_node) in node.entries() {
        let parser = pkey.name.as_str();
        for (key, _) in parser_node.entries() {
            if DEFAULTS_KEYS.contains(&key.name.as_str()) {
                continue;
            }
            let at_key = |msg: String| {
                ConfigError::at(&key.span, msg).with_path(format!("{base}.{parser}.{}", key.name))
            };
            for name in spec::key_names(&key.name).into_iter().flatten() {
                if !valid_key(&name) {
                    return Err(at_key(format!("invalid result key '{name}'"))
                        .with_kind(ErrorKind::InvalidValue)
                        .with_expected("letters, digits and '_', not starting with a digit"));
                }
                if BASE_KEYS.contains(&name.as_str()) {
                    return Err(at_key(format!(
                        "result key '{name}' is set by loggia itself and cannot be parsed"
                    )));
                }
                if let Some(other) = owners.insert(name.clone(), parser) {
                    return Err(at_key(format!(
                        "result key '{name}' is already parsed by the {other} parser"
                    ))
                    .with_kind(ErrorKind::DuplicateKey));
                }
            }
            let Some((_, _, opts)) = layered
                .iter()
                .find(|(p, k, _)| *p == parser && *k == key.name)
            else {
                continue;
            };
            let mut opts = opts.clone();
            let live = |option: &str| {
                ["", "_defaults", "_default"].iter().all(|src| {
                    let src = if src.is_empty() {
                        key.name.as_str()
                    } else {
                        src
                    };
                    let p = format!("result_parse.{parser}.{src}.{option}");
                    !deferred
                        .iter()
                        .any(|d| d == &p || d.starts_with(&format!("{p}.")))
                })
            };
            // A deferred value is replaced by one that passes, so the rest is still checked.
            let names: Vec<&'static str> = opts.keys().copied().collect();
            for name in names {
                if !live(name) {
                    if spec::required_options(parser).contains(&name) {
                        opts.insert(name, RawOpt::Str(String::new()));
                    } else {
                        opts.remove(name);
                    }
                }
            }
            if let Err(e) = spec::build(parser, &key.name, &opts) {
                return Err(located(
                    e,
                    parser_node,
                    &key.name,
                    &key.span,
                    &format!("{base}.{parser}"),
                ));
            }
        }
    }
    Ok(cfg)
}

fn located(e: OptError, parser_node: &Node, key: &str, key_span: &Span, base: &str) -> ConfigError {
    let (span, path, kind) = match e.option.and_then(|o| option_at(parser_node, key, o)) {
        Some((n, sub)) => (
            n.span.clone(),
            format!("{base}.{sub}"),
            ErrorKind::InvalidValue,
        ),
        None => (key_span.clone(), format!("{base}.{key}"), ErrorKind::Other),
    };
    let mut err = ConfigError::at(&span, e.message)
        .with_kind(kind)
        .with_path(path);
    if let Some(x) = e.expected {
        err = err.with_expected(x);
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::yaml::load_str;

    fn check(yaml: &str, deferred: &[&str]) -> Result<ResultParse, ConfigError> {
        let doc = load_str(std::path::Path::new("suite.yaml"), yaml).unwrap();
        let node = doc.get("result_parse").unwrap();
        let deferred: Vec<String> = deferred.iter().map(|d| d.to_string()).collect();
        check_result_parse(node, "s.t", &deferred)
    }

    /// `(line, col, key path, message)` of the error.
    fn err(yaml: &str) -> (usize, usize, String, String) {
        let e = check(yaml, &[]).unwrap_err();
        let span = e.span.clone().expect("a located error");
        (
            span.line,
            span.col,
            e.key_path.clone().unwrap_or_default(),
            e.message.clone(),
        )
    }

    #[test]
    fn a_good_config_passes() {
        let cfg = check(
            "result_parse:\n  regex:\n    _defaults: {files: '*.out'}\n    speed: {regex: '(\\d+)', action: store_sum, match_select: all}\n  table:\n    t: {by_column: 'yes'}\n",
            &[],
        )
        .unwrap();
        assert_eq!(cfg.layered().len(), 2);
    }

    #[test]
    fn unknown_parsers_and_options_are_located() {
        let (line, col, path, msg) = err("result_parse:\n  regx:\n    a: {regex: x}\n");
        assert_eq!((line, col), (2, 3));
        assert_eq!(path, "s.t.result_parse");
        assert_eq!(msg, "unknown key 'regx'");
        let e = check(
            "result_parse:\n  regex:\n    a: {regex: x, sep: ','}\n",
            &[],
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnknownKey);
        assert_eq!(e.message, "unknown key 'sep'");
        assert_eq!(e.key_path.as_deref(), Some("s.t.result_parse.regex.a"));
        let e = check("result_parse:\n  split:\n    a: {files: {x: 1}}\n", &[]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidType);
    }

    #[test]
    fn bad_values_point_at_the_value() {
        let (line, col, path, msg) =
            err("result_parse:\n  regex:\n    a:\n      regex: '(unclosed'\n");
        assert_eq!((line, col), (4, 14));
        assert_eq!(path, "s.t.result_parse.regex.a.regex");
        assert!(
            msg.starts_with("invalid regular expression '(unclosed'"),
            "{msg}"
        );
        let (line, _, path, msg) =
            err("result_parse:\n  regex:\n    _defaults:\n      action: stor\n    a: {regex: x}\n");
        assert_eq!(line, 4);
        assert_eq!(path, "s.t.result_parse.regex._defaults.action");
        assert_eq!(msg, "unknown action 'stor'");
        let (_, _, path, _) = err("result_parse:\n  json:\n    j: {per_file: each}\n");
        assert_eq!(path, "s.t.result_parse.json.j.per_file");
        let (_, _, path, _) = err("result_parse:\n  table:\n    t: {lstrip: sometimes}\n");
        assert_eq!(path, "s.t.result_parse.table.t.lstrip");
        let (_, _, path, msg) =
            err("result_parse:\n  regex:\n    a: {regex: x, match_select: second}\n");
        assert_eq!(
            (path.as_str(), msg.as_str()),
            (
                "s.t.result_parse.regex.a.match_select",
                "invalid match_select 'second'"
            )
        );
    }

    #[test]
    fn key_rules() {
        let (line, col, path, msg) = err("result_parse:\n  regex:\n    a: {action: count}\n");
        assert_eq!((line, col), (3, 5));
        assert_eq!(path, "s.t.result_parse.regex.a");
        assert_eq!(msg, "the regex parser needs the option 'regex' for key 'a'");
        let (_, _, _, msg) = err("result_parse:\n  regex:\n    1abc: {regex: x}\n");
        assert_eq!(msg, "invalid result key '1abc'");
        let (_, _, _, msg) = err("result_parse:\n  regex:\n    return_value: {regex: x}\n");
        assert!(msg.contains("set by loggia itself"), "{msg}");
        let (line, _, _, msg) =
            err("result_parse:\n  regex:\n    a: {regex: x}\n  split:\n    'b, a': {}\n");
        assert_eq!(
            (line, msg.as_str()),
            (5, "result key 'a' is already parsed by the regex parser")
        );
        let (_, _, path, _) =
            err("result_parse:\n  regex:\n    result: {regex: x, per_file: name}\n");
        assert_eq!(path, "s.t.result_parse.regex.result.per_file");
        let (_, _, path, msg) =
            err("result_parse:\n  command:\n    c: {command: ls, match_select: last}\n");
        assert_eq!(path, "s.t.result_parse.command.c.match_select");
        assert_eq!(msg, "the command parser does not use 'match_select'");
        let (_, _, _, msg) = err("result_parse:\n  constant:\n    c: {const: 1, files: x}\n");
        assert_eq!(msg, "the constant parser does not use 'files'");
        let (_, _, path, _) = err("result_parse:\n  filecheck:\n    f: {match_select: all}\n");
        assert_eq!(path, "s.t.result_parse.filecheck.f.match_select");
    }

    #[test]
    fn deferred_values_are_left_for_the_allocation() {
        let yaml =
            "result_parse:\n  regex:\n    a: {regex: '{{sched.x}}(', action: '{{sched.y}}'}\n";
        assert!(check(yaml, &[]).is_err());
        check(
            yaml,
            &["result_parse.regex.a.regex", "result_parse.regex.a.action"],
        )
        .unwrap();
        let yaml = "result_parse:\n  regex:\n    _defaults: {preceded_by: ['{{sched.x}}(']}\n    a: {regex: x}\n";
        check(yaml, &["result_parse.regex._defaults.preceded_by.0"]).unwrap();
    }
}
