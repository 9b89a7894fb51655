//! Tests of typed deserialization from located trees: accepted shapes (Y3, nulls, enums,
//! `Located`, raw nodes) and the exact rendered form of every error kind.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::error::ErrorKind;
use super::{from_node, load_str, ConfigError, Located, Node};

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Test {
    summary: Option<String>,
    #[serde(default)]
    schedule: Schedule,
    run: Run,
    #[serde(default)]
    source_download: Option<Download>,
}

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
struct Schedule {
    nodes: Option<u32>,
    min_nodes: Option<u8>,
    tasks: Option<i64>,
    partition: Option<String>,
    share_allocation: Option<bool>,
    ratio: Option<f64>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Run {
    cmds: Vec<String>,
    #[serde(default)]
    env: BTreeMap<String, Option<String>>,
    #[serde(default)]
    modules: Vec<String>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Download {
    Never,
    Missing,
    Latest,
}

type Suite = BTreeMap<String, Test>;

fn node(text: &str) -> Node {
    load_str(Path::new("hello.yaml"), text).unwrap_or_else(|err| panic!("{err}"))
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ConfigError> {
    from_node(&node(text), "")
}

fn rendered<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> String {
    match parse::<T>(text) {
        Ok(value) => panic!("expected an error, got {value:?}"),
        Err(err) => err.render(),
    }
}

fn lines(lines: &[&str]) -> String {
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

#[test]
fn a_valid_suite_deserializes() {
    let text = "hello:\n  summary: yes\n  schedule:\n    nodes: 010\n    min_nodes: 2\n    tasks: -1\n    partition: debug\n    share_allocation: yes\n    ratio: 1.50\n  run:\n    cmds: [make, ./run]\n    env: {A: '1', B: ~}\n    modules: gcc\n  source_download: latest\n";
    let suite: Suite = parse(text).unwrap_or_else(|err| panic!("{err}"));
    let expected = Test {
        summary: Some("True".to_owned()),
        schedule: Schedule {
            nodes: Some(10),
            min_nodes: Some(2),
            tasks: Some(-1),
            partition: Some("debug".to_owned()),
            share_allocation: Some(true),
            ratio: Some(1.5),
        },
        run: Run {
            cmds: vec!["make".to_owned(), "./run".to_owned()],
            env: BTreeMap::from([
                ("A".to_owned(), Some("1".to_owned())),
                ("B".to_owned(), None),
            ]),
            modules: vec!["gcc".to_owned()],
        },
        source_download: Some(Download::Latest),
    };
    assert_eq!(suite.get("hello"), Some(&expected));
}

#[test]
fn scalars_are_one_item_lists_and_empty_values_empty_collections() {
    let run: Run = parse("cmds: make\nenv:\nmodules:\n").unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(run.cmds, ["make"]);
    assert!(run.env.is_empty());
    assert!(run.modules.is_empty());
    let schedule: Schedule = parse("{}").unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(schedule, Schedule::default());
}

#[test]
fn booleans_accept_y6_spellings() {
    #[derive(Debug, Deserialize)]
    struct Flags {
        a: bool,
        b: bool,
        c: bool,
        d: bool,
    }
    let flags: Flags =
        parse("a: True\nb: 'yes'\nc: \"FALSE\"\nd: no\n").unwrap_or_else(|err| panic!("{err}"));
    assert!(flags.a && flags.b && !flags.c && !flags.d);
}

#[test]
fn unknown_key_points_at_the_key_with_a_suggestion() {
    let text = "hello:\n  run:\n    cmds: [a]\n  schedule:\n    nodes: 2\n    partiton: debug\n";
    assert_eq!(
        rendered::<Suite>(text),
        lines(&[
            "error: unknown key 'partiton' in 'hello.schedule' (did you mean 'partition'?)",
            " --> hello.yaml:6:5",
            "  |",
            "6 |     partiton: debug",
            "  |     ^^^^^^^^",
            "  = expected one of: nodes, min_nodes, tasks, partition, share_allocation, ratio",
        ])
    );
}

#[test]
fn unknown_key_far_from_any_known_one_has_no_suggestion() {
    let err = parse::<Suite>("hello:\n  run: {cmds: a, reservation: x}\n").err();
    let err = err.unwrap_or_else(|| panic!("no error"));
    assert_eq!(err.kind, ErrorKind::UnknownKey);
    assert_eq!(err.suggestion, None);
    assert_eq!(
        err.render(),
        lines(&[
            "error: unknown key 'reservation' in 'hello.run'",
            " --> hello.yaml:2:18",
            "  |",
            "2 |   run: {cmds: a, reservation: x}",
            "  |                  ^^^^^^^^^^^",
            "  = expected one of: cmds, env, modules",
        ])
    );
}

#[test]
fn missing_key_points_at_the_owning_key() {
    assert_eq!(
        rendered::<Suite>("hello:\n  summary: s\n  run:\n    env: {A: b}\n"),
        lines(&[
            "error: missing key 'cmds' in 'hello.run'",
            " --> hello.yaml:3:3",
            "  |",
            "3 |   run:",
            "  |   ^^^",
        ])
    );
}

#[test]
fn missing_key_at_the_root_points_at_the_mapping() {
    let err = from_node::<Test>(&node("\nsummary: s\n"), "hello").err();
    assert_eq!(
        err.map(|e| e.render()).unwrap_or_default(),
        lines(&[
            "error: missing key 'run' in 'hello'",
            " --> hello.yaml:2:1",
            "  |",
            "2 | summary: s",
            "  | ^",
        ])
    );
}

#[test]
fn an_empty_value_for_a_struct_reports_its_missing_keys() {
    let err = parse::<Suite>("hello:\n  run:\n").err();
    let err = err.unwrap_or_else(|| panic!("no error"));
    assert_eq!(err.headline(), "missing key 'cmds' in 'hello.run'");
    assert_eq!(
        err.span.as_ref().map(|s| s.location()).as_deref(),
        Some("hello.yaml:2:3")
    );
}

#[test]
fn wrong_shapes_are_reported_at_the_value() {
    assert_eq!(
        rendered::<Suite>("hello:\n  run:\n    cmds: {a: b}\n"),
        lines(&[
            "error: expected a list, found a mapping in 'hello.run.cmds'",
            " --> hello.yaml:3:11",
            "  |",
            "3 |     cmds: {a: b}",
            "  |           ^",
        ])
    );
    assert_eq!(
        rendered::<Suite>("hello:\n  summary: [a]\n  run: {cmds: x}\n"),
        lines(&[
            "error: expected a string, found a list in 'hello.summary'",
            " --> hello.yaml:2:12",
            "  |",
            "2 |   summary: [a]",
            "  |            ^",
        ])
    );
    assert_eq!(
        rendered::<Suite>("hello: [a]\n"),
        lines(&[
            "error: expected a mapping, found a list in 'hello'",
            " --> hello.yaml:1:8",
            "  |",
            "1 | hello: [a]",
            "  |        ^",
        ])
    );
    assert_eq!(
        rendered::<Run>("cmds: [a, [b]]\n"),
        lines(&[
            "error: expected a string, found a list in 'cmds.1'",
            " --> hello.yaml:1:11",
            "  |",
            "1 | cmds: [a, [b]]",
            "  |           ^",
        ])
    );
}

#[test]
fn numbers_and_booleans_are_checked_at_the_value() {
    assert_eq!(
        rendered::<Schedule>("nodes: abc\n"),
        lines(&[
            "error: expected an integer, found 'abc' in 'nodes'",
            " --> hello.yaml:1:8",
            "  |",
            "1 | nodes: abc",
            "  |        ^^^",
        ])
    );
    assert_eq!(
        rendered::<Schedule>("min_nodes: 300\n"),
        lines(&[
            "error: expected an integer from 0 to 255, found '300' in 'min_nodes'",
            " --> hello.yaml:1:12",
            "  |",
            "1 | min_nodes: 300",
            "  |            ^^^",
        ])
    );
    assert_eq!(
        rendered::<Schedule>("share_allocation: \"on\"\n"),
        lines(&[
            "error: expected a boolean (true, false, yes or no), found 'on' in 'share_allocation'",
            " --> hello.yaml:1:19",
            "  |",
            "1 | share_allocation: \"on\"",
            "  |                   ^^^^",
        ])
    );
    assert_eq!(
        rendered::<Schedule>("ratio: lots\n"),
        lines(&[
            "error: expected a number, found 'lots' in 'ratio'",
            " --> hello.yaml:1:8",
            "  |",
            "1 | ratio: lots",
            "  |        ^^^^",
        ])
    );
    let err = parse::<Schedule>("nodes: [1]\n")
        .err()
        .map(|e| e.headline());
    assert_eq!(
        err.as_deref(),
        Some("expected an integer, found a list in 'nodes'")
    );
    let err = parse::<Schedule>("nodes: ~\ntasks: {}\n")
        .err()
        .map(|e| e.headline());
    assert_eq!(
        err.as_deref(),
        Some("expected an integer, found a mapping in 'tasks'")
    );
}

#[test]
fn a_required_string_rejects_an_empty_value() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Named {
        name: String,
    }
    assert_eq!(
        parse::<Named>("name:\n")
            .err()
            .map(|e| e.headline())
            .as_deref(),
        Some("expected a string, found an empty value in 'name'")
    );
}

#[test]
fn enums_read_names_and_suggest_on_typos() {
    assert_eq!(
        rendered::<Suite>("hello:\n  run: {cmds: x}\n  source_download: lates\n"),
        lines(&[
            "error: unknown value 'lates' in 'hello.source_download' (did you mean 'latest'?)",
            " --> hello.yaml:3:20",
            "  |",
            "3 |   source_download: lates",
            "  |                    ^^^^^",
            "  = expected one of: never, missing, latest",
        ])
    );
    let err = parse::<Suite>("hello:\n  run: {cmds: x}\n  source_download: [never]\n").err();
    let err = err.unwrap_or_else(|| panic!("no error"));
    assert_eq!(
        err.headline(),
        "expected a name, found a list in 'hello.source_download'"
    );
    assert_eq!(
        err.expected.as_deref(),
        Some("one of: never, missing, latest")
    );
}

#[test]
fn enums_with_data_are_one_key_mappings() {
    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "lowercase")]
    enum Nodes {
        All,
        Count(u32),
        Range { min: u32, max: u32 },
    }
    let parsed: Vec<Nodes> =
        parse("[all, {count: 4}, {range: {min: 1, max: 3}}]").unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        parsed,
        [Nodes::All, Nodes::Count(4), Nodes::Range { min: 1, max: 3 }]
    );
    let err = parse::<Vec<Nodes>>("[count]").err().map(|e| e.headline());
    assert_eq!(
        err.as_deref(),
        Some("'count' needs a value, written as 'count: <value>' in '0'")
    );
    let err = parse::<Vec<Nodes>>("[{count: x}]")
        .err()
        .map(|e| e.headline());
    assert_eq!(
        err.as_deref(),
        Some("expected an integer, found 'x' in '0.count'")
    );
    let err = parse::<Vec<Nodes>>("[{all: x}]")
        .err()
        .map(|e| e.headline());
    assert_eq!(
        err.as_deref(),
        Some("expected an empty value, found 'x' in '0.all'")
    );
}

#[test]
fn duplicate_keys_through_serde_aliases_point_at_the_second_key() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Aliased {
        #[serde(alias = "default")]
        defaults: String,
    }
    assert_eq!(
        rendered::<Aliased>("defaults: a\ndefault: b\n"),
        lines(&[
            "error: duplicate key 'defaults'",
            " --> hello.yaml:2:1",
            "  |",
            "2 | default: b",
            "  | ^^^^^^^",
        ])
    );
}

#[test]
fn duplicate_keys_in_the_file_are_reported_by_the_loader() {
    let err = load_str(Path::new("hello.yaml"), "hello:\n  x: 1\n  y: 2\n  x: 3\n").err();
    assert_eq!(
        err.map(|e| e.render()).unwrap_or_default(),
        lines(&[
            "error: duplicate key 'x' in 'hello' (first at line 2)",
            " --> hello.yaml:4:3",
            "  |",
            "4 |   x: 3",
            "  |   ^",
        ])
    );
}

#[test]
fn tuples_check_their_length() {
    let pair: (String, u32) = parse("[a, 2]").unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(pair, ("a".to_owned(), 2));
    let err = parse::<(String, u32)>("[a]").err().map(|e| e.headline());
    assert_eq!(
        err.as_deref(),
        Some("expected a list of 2 items, found 1 item")
    );
}

#[test]
fn map_keys_are_typed_and_located() {
    let by_number: BTreeMap<u32, String> =
        parse("1: a\n20: b\n").unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(by_number.get(&20).map(String::as_str), Some("b"));
    assert_eq!(
        rendered::<BTreeMap<String, BTreeMap<u32, String>>>("top:\n  1: a\n  x: b\n"),
        lines(&[
            "error: expected an integer, found 'x' in 'top'",
            " --> hello.yaml:3:3",
            "  |",
            "3 |   x: b",
            "  |   ^",
        ])
    );
}

#[test]
fn any_gives_strings_lists_maps_and_nulls() {
    let value: serde_json::Value =
        parse("a: yes\nb:\nc: [010, {d: 'x'}]\n").unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        value.to_string(),
        r#"{"a":"True","b":null,"c":["010",{"d":"x"}]}"#
    );
}

#[test]
fn located_values_carry_their_spans() {
    #[derive(Debug, Deserialize)]
    struct Cmds {
        cmds: Vec<Located<String>>,
        single: Vec<Located<String>>,
        name: Located<String>,
        count: Option<Located<u32>>,
        keys: BTreeMap<Located<String>, String>,
    }
    let cmds: Cmds =
        parse("cmds:\n  - make\n  - './run {{x}}'\nsingle: one\nname: n\ncount: 7\nkeys: {k: v}\n")
            .unwrap_or_else(|err| panic!("{err}"));
    let where_: Vec<String> = cmds
        .cmds
        .iter()
        .map(|c| format!("{}@{}", c.value, c.span.location()))
        .collect();
    assert_eq!(
        where_,
        ["make@hello.yaml:2:5", "./run {{x}}@hello.yaml:3:5"]
    );
    assert_eq!(cmds.single[0].span.location(), "hello.yaml:4:9");
    assert_eq!(cmds.name.span.location(), "hello.yaml:5:7");
    assert_eq!(
        cmds.count.as_ref().map(|c| (c.value, c.span.location())),
        Some((7, "hello.yaml:6:8".to_owned()))
    );
    let key = cmds.keys.keys().next().map(|k| k.span.location());
    assert_eq!(key.as_deref(), Some("hello.yaml:7:8"));
}

#[test]
fn located_values_need_a_yaml_node() {
    let err = serde_json::from_str::<Located<String>>("\"x\"")
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        err.as_deref(),
        Some("a located value can only be read from a loggia YAML config node")
    );
}

#[test]
fn node_fields_receive_the_raw_subtree() {
    #[derive(Debug, Deserialize)]
    struct WithVars {
        variables: Node,
        other: Option<Node>,
    }
    let parsed: WithVars = parse("variables:\n  compiler: gcc\n  sizes?: [1, 2]\n")
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        parsed.variables.to_string(),
        r#"{"compiler": "gcc", "sizes?": ["1", "2"]}"#
    );
    assert_eq!(parsed.variables.span.location(), "hello.yaml:2:3");
    assert!(parsed.other.is_none());
    let json = serde_json::to_string(&parsed.variables).unwrap_or_default();
    assert_eq!(json, r#"{"compiler":"gcc","sizes?":["1","2"]}"#);
}

#[test]
fn custom_errors_from_deserialize_impls_are_located() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Checked {
        #[serde(deserialize_with = "even")]
        n: u32,
    }
    fn even<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        let n = u32::deserialize(d)?;
        if n % 2 == 0 {
            Ok(n)
        } else {
            Err(serde::de::Error::custom(format!("{n} is odd")))
        }
    }
    assert_eq!(
        rendered::<Checked>("\nn: 3\n"),
        lines(&[
            "error: 3 is odd in 'n'",
            " --> hello.yaml:2:4",
            "  |",
            "2 | n: 3",
            "  |    ^"
        ])
    );
}

#[test]
fn lenient_escapes_reach_typed_values() {
    let run: Run = parse("cmds: [\"echo \\{{literal}}\"]\n").unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(run.cmds, ["echo \\{{literal}}"]);
}
