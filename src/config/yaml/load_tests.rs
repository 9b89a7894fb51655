//! Tests of loading: the Y2 leaf rules end to end, spans, YAML errors, aliases, limits, and
//! property tests that no input makes the loader panic.

use std::path::Path;

use proptest::prelude::*;

use super::error::ErrorKind;
use super::source::line_char_lengths;
use super::{load_file, load_str, Node, NodeKind};

fn load(text: &str) -> Node {
    load_str(Path::new("t.yaml"), text).unwrap_or_else(|err| panic!("{err}"))
}

fn json(text: &str) -> String {
    load(text).to_string()
}

fn error(text: &str) -> String {
    match load_str(Path::new("t.yaml"), text) {
        Ok(node) => panic!("expected an error, loaded {node}"),
        Err(err) => err.render(),
    }
}

fn at(node: &Node, path: &[&str]) -> Node {
    let mut current = node.clone();
    for part in path {
        current = match part.parse::<usize>() {
            Ok(i) => current.as_seq().and_then(|items| items.get(i)).cloned(),
            Err(_) => current.get(part).cloned(),
        }
        .unwrap_or_else(|| panic!("no {part} in {current}"));
    }
    current
}

/// `line:col+len` of the node at `path`.
fn span_of(node: &Node, path: &[&str]) -> String {
    let span = at(node, path).span;
    format!("{}:{}+{}", span.line, span.col, span.len)
}

/// `line:col+len` of the key at the end of `path`.
fn key_span_of(node: &Node, path: &[&str]) -> String {
    let (last, parents) = path.split_last().unwrap_or_else(|| panic!("empty path"));
    let parent = at(node, parents);
    let (key, _) = parent
        .get_entry(last)
        .unwrap_or_else(|| panic!("no key {last}"));
    format!("{}:{}+{}", key.span.line, key.span.col, key.span.len)
}

#[test]
fn plain_booleans_become_true_false_any_case() {
    assert_eq!(
        json("[true, TRUE, yes, Yes, on, ON, false, False, no, NO, off, Off]"),
        r#"["True", "True", "True", "True", "True", "True", "False", "False", "False", "False", "False", "False"]"#
    );
}

#[test]
fn quoted_booleans_stay_as_written() {
    assert_eq!(
        json("a: \"true\"\nb: 'yes'\nc: !!str on\nd: \"~\"\ne: ''\n"),
        r#"{"a": "true", "b": "yes", "c": "on", "d": "~", "e": ""}"#
    );
}

#[test]
fn numbers_keep_their_source_text() {
    assert_eq!(
        json("[010, 1.50, 0x1F, 1e3, -0, +5, .inf, 1_000, 0o17, 12:30]"),
        r#"["010", "1.50", "0x1F", "1e3", "-0", "+5", ".inf", "1_000", "0o17", "12:30"]"#
    );
}

#[test]
fn nulls_stay_null() {
    assert_eq!(
        json("a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: [~, null, ]\n"),
        r#"{"a": null, "b": null, "c": null, "d": null, "e": null, "f": [null, null]}"#
    );
}

#[test]
fn multi_line_and_block_scalars() {
    let text = "plain: first\n  second\n\n  third\nquoted: \"a\n  b\"\nliteral: |\n  x\n   y\nfolded: >\n  x\n  y\n\n  z\nstrip: |-\n  end\nkeep: |+\n  end\n\nafter: 1\n";
    assert_eq!(
        json(text),
        r#"{"plain": "first second\nthird", "quoted": "a b", "literal": "x\n y\n", "folded": "x y\nz\n", "strip": "end", "keep": "end\n\n", "after": "1"}"#
    );
}

#[test]
fn block_scalar_text_is_never_converted() {
    assert_eq!(
        json("a: |-\n  yes\nb: >-\n  ~\n"),
        r#"{"a": "yes", "b": "~"}"#
    );
}

#[test]
fn keys_keep_their_text() {
    assert_eq!(
        json("yes: 1\n~: 2\n010: 3\n"),
        r#"{"yes": "1", "~": "2", "010": "3"}"#
    );
}

#[test]
fn empty_documents_are_empty_mappings() {
    for text in [
        "",
        "\n\n",
        "# only a comment\n",
        "---\n",
        "~\n",
        "---\n...\n",
    ] {
        let node = load(text);
        assert_eq!(node.to_string(), "{}", "{text:?}");
        assert!(node.is_map());
    }
}

#[test]
fn byte_order_mark_is_ignored_and_columns_stay_exact() {
    let node = load("\u{feff}a: 1\n");
    assert_eq!(span_of(&node, &["a"]), "1:4+1");
    assert_eq!(node.span.source.text, "a: 1\n");
}

#[test]
fn spans_of_block_keys_and_values() {
    let text = "hello:\n  summary: \"quoted é\"\n  run:\n    cmds:\n      - echo 1\n      - 'x'\n    env: {a: 1, b: [x, yy]}\n  lit: |\n    l1\n    l2\n  plain: multi\n    line\n  empty:\n";
    let node = load(text);
    assert_eq!(key_span_of(&node, &["hello"]), "1:1+5");
    assert_eq!(span_of(&node, &["hello"]), "2:3+1");
    assert_eq!(key_span_of(&node, &["hello", "summary"]), "2:3+7");
    assert_eq!(span_of(&node, &["hello", "summary"]), "2:12+10");
    assert_eq!(span_of(&node, &["hello", "run", "cmds"]), "5:7+1");
    assert_eq!(span_of(&node, &["hello", "run", "cmds", "0"]), "5:9+6");
    assert_eq!(span_of(&node, &["hello", "run", "cmds", "1"]), "6:9+3");
    // Flow collections: the brace, then each key and value.
    assert_eq!(span_of(&node, &["hello", "run", "env"]), "7:10+1");
    assert_eq!(key_span_of(&node, &["hello", "run", "env", "a"]), "7:11+1");
    assert_eq!(span_of(&node, &["hello", "run", "env", "a"]), "7:14+1");
    assert_eq!(key_span_of(&node, &["hello", "run", "env", "b"]), "7:17+1");
    assert_eq!(span_of(&node, &["hello", "run", "env", "b"]), "7:20+1");
    assert_eq!(span_of(&node, &["hello", "run", "env", "b", "1"]), "7:24+2");
    // Block scalars start at their content; multi-line values underline their first line only.
    assert_eq!(span_of(&node, &["hello", "lit"]), "9:5+2");
    assert_eq!(span_of(&node, &["hello", "plain"]), "11:10+5");
    // An empty value points at the colon after its key.
    assert_eq!(span_of(&node, &["hello", "empty"]), "13:8+1");
}

#[test]
fn spans_in_nested_flow_collections() {
    let node = load("a: [{b: 1}, [c, {d: e}]]\n");
    assert_eq!(span_of(&node, &["a"]), "1:4+1");
    assert_eq!(span_of(&node, &["a", "0"]), "1:5+1");
    assert_eq!(key_span_of(&node, &["a", "0", "b"]), "1:6+1");
    assert_eq!(span_of(&node, &["a", "0", "b"]), "1:9+1");
    assert_eq!(span_of(&node, &["a", "1", "0"]), "1:14+1");
    assert_eq!(key_span_of(&node, &["a", "1", "1", "d"]), "1:18+1");
    assert_eq!(span_of(&node, &["a", "1", "1", "d"]), "1:21+1");
}

#[test]
fn columns_count_characters_not_bytes() {
    let node = load("ü: {é: ñ}\n");
    assert_eq!(key_span_of(&node, &["ü", "é"]), "1:5+1");
    assert_eq!(span_of(&node, &["ü", "é"]), "1:8+1");
}

#[test]
fn syntax_errors_point_at_the_parser_marker() {
    assert_eq!(
        error("a: 1\nb: [x,\n"),
        "error: invalid YAML: while parsing a node, did not find expected node content\n --> t.yaml:3:1\n  |\n3 |\n  | ^\n"
    );
    assert_eq!(
        error("a:\n  b: 1\n c: 2\n"),
        "error: invalid YAML: while parsing a block mapping, did not find expected key\n --> t.yaml:3:2\n  |\n3 |  c: 2\n  |  ^\n"
    );
}

#[test]
fn a_second_document_is_an_error() {
    assert_eq!(
        error("a: 1\n---\nb: 2\n"),
        "error: a config file holds one YAML document, but a second one starts here\n --> t.yaml:2:1\n  |\n2 | ---\n  | ^^^\n"
    );
}

#[test]
fn duplicate_keys_are_errors_at_the_second_key() {
    let rendered = error("hello:\n  run:\n    cmds: [a]\n    env: {}\n    cmds: [b]\n");
    assert_eq!(
        rendered,
        "error: duplicate key 'cmds' in 'hello.run' (first at line 3)\n --> t.yaml:5:5\n  |\n5 |     cmds: [b]\n  |     ^^^^\n"
    );
    let err = load_str(Path::new("t.yaml"), "[{a: 1, a: 2}]").err();
    assert_eq!(
        err.map(|e| (e.kind, e.key_path.clone())),
        Some((ErrorKind::DuplicateKey, Some("0".to_owned())))
    );
    let top = error("a: 1\nb: 2\na: 3\n");
    assert!(
        top.starts_with("error: duplicate key 'a' (first at line 1)\n"),
        "{top}"
    );
}

#[test]
fn non_scalar_keys_are_errors() {
    let rendered = error("? [a, b]\n: 1\n");
    assert!(
        rendered.starts_with(
            "error: mapping keys must be plain text, not a list or mapping\n --> t.yaml:1:3\n"
        ),
        "{rendered}"
    );
}

#[test]
fn anchors_and_aliases_are_expanded() {
    let node = load("base: &b {x: 1, y: [a]}\nuse: *b\nitem: &i one\nlist: [*i, *i]\n");
    assert_eq!(
        node.to_string(),
        r#"{"base": {"x": "1", "y": ["a"]}, "use": {"x": "1", "y": ["a"]}, "item": "one", "list": ["one", "one"]}"#
    );
    // The copy is blamed on the alias; what is inside still points at the anchor.
    assert_eq!(span_of(&node, &["use"]), "2:6+2");
    assert_eq!(span_of(&node, &["use", "x"]), "1:14+1");
}

#[test]
fn merge_keys_fill_in_missing_entries() {
    let text = "defaults: &d {a: 1, b: 2}\nother: &o {b: 9, c: 3}\nt1:\n  <<: *d\n  b: own\nt2:\n  <<: [*o, *d]\n  z: 0\n";
    let node = load(text);
    assert_eq!(at(&node, &["t1"]).to_string(), r#"{"a": "1", "b": "own"}"#);
    assert_eq!(
        at(&node, &["t2"]).to_string(),
        r#"{"b": "9", "c": "3", "a": "1", "z": "0"}"#
    );
    let quoted = load("a: {'<<': x}\n");
    assert_eq!(quoted.to_string(), r#"{"a": {"<<": "x"}}"#);
    let bad = error("a:\n  <<: text\n");
    assert!(
        bad.starts_with("error: expected a mapping or a list of mappings after '<<', found 'text'\n --> t.yaml:2:7\n"),
        "{bad}"
    );
}

#[test]
fn alias_bombs_are_stopped() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = i - 1;
        let refs = vec![format!("*a{prev}"); 10].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let rendered = error(&text);
    assert!(
        rendered.starts_with("error: aliases expand to more than 1000000 values\n"),
        "{rendered}"
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let rendered = error(&deep);
    assert!(
        rendered.starts_with(
            "error: lists and mappings are nested more than 128 levels deep\n --> t.yaml:1:129\n"
        ),
        "{rendered}"
    );
    let block: String = (0..200)
        .map(|depth| format!("{}k:\n", "  ".repeat(depth)))
        .collect();
    let rendered = error(&block);
    assert!(
        rendered.starts_with("error: lists and mappings are nested more than 128 levels deep\n   --> t.yaml:129:257\n"),
        "{rendered}"
    );
    // Far deeper input is stopped by the parser's own limit.
    let rendered = error(&"[".repeat(100_000));
    assert!(
        rendered.starts_with("error: invalid YAML: recursion limit exceeded\n"),
        "{rendered}"
    );
    let ok = format!("{}{}", "[".repeat(128), "]".repeat(128));
    assert_eq!(load(&ok).as_seq().map(<[Node]>::len), Some(1));
}

#[test]
fn lenient_escapes_in_double_quotes_y5() {
    let node = load(r#"a: "\{{x}} and \~ and \d""#);
    assert_eq!(node.to_string(), r#"{"a": "\\{{x}} and \\~ and \\d"}"#);
    // Known escapes still work, and other styles are untouched.
    let node = load("a: \"tab\\tnl\\n\\\\{\"\nb: plain \\{ text\nc: '\\{'\nd: |\n  \\{\n");
    assert_eq!(
        node.to_string(),
        r#"{"a": "tab\tnl\n\\{", "b": "plain \\{ text", "c": "\\{", "d": "\\{\n"}"#
    );
    // Columns after a lenient escape are unchanged.
    let node = load("{a: \"\\{\", b: x}\n");
    assert_eq!(span_of(&node, &["b"]), "1:14+1");
    // A bad hexadecimal escape is still an error.
    assert!(error(r#"a: "\xZZ""#).starts_with("error: invalid YAML: while parsing a quoted scalar, did not find expected hexadecimal number\n"));
}

#[test]
fn load_file_names_the_path_on_io_errors() {
    let path = Path::new("/nonexistent/loggia/suite.yaml");
    let err = load_file(path).err();
    let rendered = err.as_ref().map(|e| e.render()).unwrap_or_default();
    assert!(
        rendered.starts_with(
            "error: cannot read config file '/nonexistent/loggia/suite.yaml'\n  = cause: "
        ),
        "{rendered}"
    );
    assert_eq!(err.map(|e| e.kind), Some(ErrorKind::Io));
}

#[test]
fn load_file_reads_and_reports_bad_utf8_at_its_position() {
    let dir = std::env::temp_dir().join(format!("loggia-yaml-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let good = dir.join("good.yaml");
    std::fs::write(&good, "a: [1, 2]\n").unwrap_or_else(|e| panic!("{e}"));
    let node = load_file(&good).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(node.to_string(), r#"{"a": ["1", "2"]}"#);
    assert_eq!(node.span.path(), good.as_path());
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, b"a: 1\nb\xc3\xa9: \xff\n").unwrap_or_else(|e| panic!("{e}"));
    let err = load_file(&bad).err();
    let location = err
        .as_ref()
        .and_then(|e| e.span.as_ref())
        .map(|s| (s.line, s.col));
    assert_eq!(location, Some((2, 5)));
    assert_eq!(
        err.map(|e| e.message.clone()).as_deref(),
        Some("the file is not valid UTF-8")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_5000_test_suite_loads() {
    let mut text = String::new();
    for i in 0..5000 {
        text.push_str(&format!(
            "test_{i}:\n  summary: test number {i}\n  inherits_from: base\n  schedule:\n    nodes: {n}\n    partition: debug\n  run:\n    cmds:\n      - echo {i}\n      - ./bench --size {i}\n    env: {{OMP_NUM_THREADS: '4'}}\n",
            n = i % 16 + 1
        ));
    }
    let node = load(&text);
    let entries = node.entries();
    assert_eq!(entries.len(), 5000);
    let (last_key, last) = &entries[4999];
    assert_eq!(last_key.name, "test_4999");
    assert_eq!(last_key.span.line, 4999 * 11 + 1);
    assert_eq!(
        at(last, &["run", "cmds", "1"]).as_str(),
        Some("./bench --size 4999")
    );
}

/// Every span of a loaded tree lies inside the text: 1-based, at least one character wide.
fn check_spans(node: &Node, max_line: usize) -> Result<(), TestCaseError> {
    let mut pending = vec![node];
    while let Some(node) = pending.pop() {
        let span = &node.span;
        prop_assert!(
            span.line >= 1 && span.line <= max_line,
            "line {}",
            span.line
        );
        prop_assert!(span.col >= 1 && span.len >= 1);
        match &node.kind {
            NodeKind::Seq(items) => pending.extend(items),
            NodeKind::Map(entries) => {
                for (key, value) in entries {
                    prop_assert!(key.span.line >= 1 && key.span.line <= max_line);
                    pending.push(value);
                }
            }
            NodeKind::Null | NodeKind::Scalar(_) => {}
        }
    }
    Ok(())
}

/// YAML-looking lines: keys, list items, flow collections, quotes, anchors, block scalars,
/// comments, odd indentation.
fn yamlish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("a"),
        Just("key"),
        Just(":"),
        Just(": "),
        Just("- "),
        Just("-"),
        Just("["),
        Just("]"),
        Just("{"),
        Just("}"),
        Just(", "),
        Just("\""),
        Just("'"),
        Just("\\"),
        Just("\\{"),
        Just("|"),
        Just(">"),
        Just("|-"),
        Just("&x "),
        Just("*x"),
        Just("<<: "),
        Just("? "),
        Just("# c"),
        Just("---"),
        Just("..."),
        Just("~"),
        Just("yes"),
        Just("010"),
        Just("!!str "),
        Just("!t "),
        Just("%YAML 1.2"),
        Just("\t"),
        Just("é"),
        Just("\u{FDD0}"),
        Just("\r"),
        Just("  "),
    ];
    let line = (0usize..6, prop::collection::vec(token, 0..8))
        .prop_map(|(indent, tokens)| format!("{}{}", " ".repeat(indent), tokens.concat()));
    prop::collection::vec(line, 0..12).prop_map(|lines| lines.join("\n"))
}

/// A value tree for round-trip tests, with its expected JSON rendering.
#[derive(Clone, Debug)]
enum Tree {
    /// Double-quoted text: pieces as (written in YAML, rendered in JSON).
    Quoted(Vec<(&'static str, &'static str)>),
    /// A plain scalar of space-separated words, subject to the Y2 rules as a whole.
    Plain(Vec<&'static str>),
    List(Vec<Tree>),
    Map(Vec<(String, Tree)>),
}

fn join<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    items.iter().map(f).collect::<Vec<_>>().join(", ")
}

impl Tree {
    fn scalar_yaml(&self) -> Option<String> {
        match self {
            Tree::Quoted(pieces) => Some(format!(
                "\"{}\"",
                pieces.iter().map(|p| p.0).collect::<String>()
            )),
            Tree::Plain(words) => Some(words.join(" ")),
            _ => None,
        }
    }

    fn flow(&self) -> String {
        match self {
            Tree::List(items) => format!("[{}]", join(items, Tree::flow)),
            Tree::Map(entries) => format!(
                "{{{}}}",
                join(entries, |(k, v)| format!("{k}: {}", v.flow()))
            ),
            scalar => scalar.scalar_yaml().unwrap_or_default(),
        }
    }

    /// Block style: the text after `key:` or `-`, for a value at `indent`.
    fn block(&self, indent: usize) -> String {
        let pad = " ".repeat(indent);
        let nested = |value: &Tree| match value {
            Tree::List(items) if !items.is_empty() => format!("\n{}", value.block(indent + 2)),
            Tree::Map(entries) if !entries.is_empty() => format!("\n{}", value.block(indent + 2)),
            other => format!(" {}\n", other.flow()),
        };
        match self {
            Tree::List(items) if !items.is_empty() => items
                .iter()
                .map(|item| format!("{pad}-{}", nested(item)))
                .collect(),
            Tree::Map(entries) if !entries.is_empty() => entries
                .iter()
                .map(|(key, value)| format!("{pad}{key}:{}", nested(value)))
                .collect(),
            other => format!("{pad}{}\n", other.flow()),
        }
    }

    fn json(&self) -> String {
        match self {
            Tree::Quoted(pieces) => {
                format!("\"{}\"", pieces.iter().map(|p| p.1).collect::<String>())
            }
            Tree::Plain(words) => match words.join(" ").as_str() {
                "~" => "null".to_owned(),
                "yes" | "ON" => "\"True\"".to_owned(),
                "No" => "\"False\"".to_owned(),
                text => format!("\"{text}\""),
            },
            Tree::List(items) => format!("[{}]", join(items, Tree::json)),
            Tree::Map(entries) => format!(
                "{{{}}}",
                join(entries, |(k, v)| format!("\"{k}\": {}", v.json()))
            ),
        }
    }
}

fn tree() -> impl Strategy<Value = Tree> {
    let piece = prop_oneof![
        Just(("a", "a")),
        Just(("yes", "yes")),
        Just(("é", "é")),
        Just((" ", " ")),
        Just(("{", "{")),
        Just(("\\\"", "\\\"")),
        Just(("\\\\", "\\\\")),
        Just(("\\{", "\\\\{")),
        Just(("010", "010")),
    ];
    let word = prop_oneof![
        Just("a"),
        Just("yes"),
        Just("No"),
        Just("ON"),
        Just("é"),
        Just("010"),
        Just("~"),
        Just("1.50"),
        Just("x_y"),
    ];
    let leaf = prop_oneof![
        prop::collection::vec(piece, 0..6).prop_map(Tree::Quoted),
        prop::collection::vec(word, 1..4).prop_map(Tree::Plain),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Tree::List),
            prop::collection::btree_map("[a-z]{1,6}", inner, 0..5)
                .prop_map(|entries| Tree::Map(entries.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn flow_documents_round_trip(tree in tree()) {
        let text = format!("root: {}\n", tree.flow());
        let node = load_str(Path::new("gen.yaml"), &text).map_err(|err| TestCaseError::fail(err.render()))?;
        prop_assert_eq!(node.to_string(), format!("{{\"root\": {}}}", tree.json()));
    }

    #[test]
    fn block_documents_round_trip(tree in tree()) {
        let text = format!("root:{}", match &tree {
            Tree::List(items) if !items.is_empty() => format!("\n{}", tree.block(2)),
            Tree::Map(entries) if !entries.is_empty() => format!("\n{}", tree.block(2)),
            other => format!(" {}\n", other.flow()),
        });
        let node = load_str(Path::new("gen.yaml"), &text)
            .map_err(|err| TestCaseError::fail(format!("{text}\n{}", err.render())))?;
        prop_assert_eq!(node.to_string(), format!("{{\"root\": {}}}", tree.json()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5000, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = load_str(Path::new("fuzz.yaml"), &text).map(|node| node.to_string());
    }

    #[test]
    fn never_panics_on_yamlish_text(text in yamlish()) {
        match load_str(Path::new("fuzz.yaml"), &text) {
            Ok(node) => {
                let _ = node.to_string();
                check_spans(&node, line_char_lengths(&text).len() + 1)?;
            }
            Err(err) => {
                let _ = err.render();
            }
        }
    }
}
