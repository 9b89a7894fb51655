//! Property tests: parsing and evaluation never panic on arbitrary input (random text and
//! text built from the grammar's own tokens), literal text and escaped text round-trip, and a
//! few arithmetic and float-text invariants hold.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::tests_eval::TestVars;
use super::*;

fn vars() -> TestVars {
    TestVars::new()
        .var("x", &["010", "b", "c"])
        .var("nums", &["1", "2.5", "3"])
        .var("hosts", &["n1", "n2"])
        .var("zero", &["0"])
        .set("sys", "host", &["n01"])
        .mapped("m", &[&[("a", "1"), ("b", "x")], &[("a", "2"), ("b", "y")]])
}

fn results() -> BTreeMap<String, Value> {
    let json = serde_json::json!({
        "x": [1, 2, null], "t": {"a": {"s": 1}, "b": {"s": "2"}}, "n": "5", "s": "text"
    });
    match Value::from_json(&json) {
        Value::Map(m) => m,
        _ => BTreeMap::new(),
    }
}

const TOKENS: &[&str] = &[
    "{{",
    "}}",
    "[~",
    "~",
    "]",
    "\\",
    "\\\\",
    "\"",
    ":",
    "(",
    ")",
    "[",
    ",",
    ".",
    "..",
    "*",
    "+",
    "-",
    "/",
    "//",
    "%",
    "^",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    " ",
    "  ",
    "not ",
    " and ",
    " or ",
    "True",
    "False",
    "x",
    "sys",
    "var",
    "m",
    "hosts",
    "nums",
    "zero",
    "nosuch",
    ".*",
    ".0",
    ".1",
    ".a",
    "[-1]",
    "[0:2]",
    "len(",
    "sum(",
    "int(",
    "round(",
    "round_dig(",
    "floor(",
    "log(",
    "sqrt(",
    "min(",
    "max(",
    "avg(",
    "keys(",
    "all(",
    "any(",
    "random()",
    "range(",
    "re_search(",
    "replace(",
    "high_pass_filter(",
    "low_pass_filter(",
    "outliers(",
    ">5",
    "<5",
    "^7",
    ".3f",
    "05",
    "010d",
    ",",
    "_",
    "#x",
    "%",
    "e",
    "g",
    "s",
    "c",
    "\"a:b\"",
    "\"(\\d+)\"",
    "9223372036854775807",
    "0",
    "1",
    "2",
    "10",
    "0.5",
    "1.5",
];

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(TOKENS).prop_map(String::from),
        1 => any::<u64>().prop_map(|n| n.to_string()),
        1 => (0u32..10_000, 0u32..10_000).prop_map(|(a, b)| format!("{a}.{b}")),
        1 => any::<char>().prop_map(String::from),
    ]
}

/// Random text of any characters (cheaper to generate than proptest's regex-based strings).
fn random_text() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<char>(), 0..48).prop_map(String::from_iter)
}

/// Text made of grammar tokens, so the parser gets past its first checks.
fn biased_text() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..24).prop_map(|parts| parts.concat())
}

/// Syntactically valid expressions, to exercise evaluation rather than parsing.
fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (-1000i64..1000).prop_map(|i| i.to_string()),
        (0u32..1000, 0u32..100).prop_map(|(a, b)| format!("{a}.{b}")),
        prop::sample::select(vec![
            "x", "x.1", "x[-1]", "x.*", "nums.*", "nums", "hosts", "zero", "m.a", "m.*.b",
            "sys.host", "True", "False", "\"abc\"", "\"12\"", "\"\"", "[]", "[1, 2]", "nosuch",
        ])
        .prop_map(String::from),
    ];
    leaf.prop_recursive(5, 48, 4, |inner| {
        let ops = prop::sample::select(vec![
            "+", "-", "*", "/", "//", "%", "^", "..", "==", "!=", "<", ">=", "and", "or",
        ]);
        let funcs = prop::sample::select(vec![
            "len", "sum", "min", "max", "avg", "round", "floor", "sqrt", "all", "any", "keys",
        ]);
        prop_oneof![
            (inner.clone(), ops, inner.clone()).prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            inner.clone().prop_map(|a| format!("-{a}")),
            inner.clone().prop_map(|a| format!("not {a}")),
            (funcs, inner.clone()).prop_map(|(f, a)| format!("{f}({a})")),
            prop::collection::vec(inner.clone(), 0..4)
                .prop_map(|items| format!("[{}]", items.join(", "))),
            (inner.clone(), inner.clone(), inner)
                .prop_map(|(a, b, c)| format!("outliers({a}, {b}, {c})")),
        ]
    })
}

/// Failures are not persisted: the regression directory would land outside this module.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Config strings assembled from text, escapes, valid expressions (with and without format
/// specs) and iterations.
fn structured_template() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(vec!["text ", "\\{{", "\\[~", "\\~", "~", "}}", "]", "\\"])
            .prop_map(String::from),
        expression().prop_map(|e| format!("{{{{ {e} }}}}")),
        (
            expression(),
            prop::sample::select(vec![">5", ".3f", "05", ",", "x", "s", "^9"])
        )
            .prop_map(|(e, spec)| format!("{{{{ {e} :{spec}}}}}")),
        (
            expression(),
            prop::sample::select(vec![",", " ", "\\]", ""])
        )
            .prop_map(|(e, sep)| format!("[~-{{{{ {e} }}}}~{sep}]")),
    ];
    prop::collection::vec(piece, 0..5).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(config(10_000))]

    #[test]
    fn template_parse_never_panics_on_random_text(s in random_text()) {
        let vars = vars();
        if let Ok(t) = Template::parse(&s) {
            let _ = t.render(&vars);
            let _ = t.render_list(&vars);
            let _ = t.refs();
        }
    }

    #[test]
    fn template_parse_and_render_never_panic_on_token_text(
        s in prop_oneof![3 => biased_text(), 1 => structured_template()]
    ) {
        let vars = vars();
        match Template::parse(&s) {
            Ok(t) => {
                let _ = t.render(&vars);
                let _ = t.render_list(&vars);
                let _ = t.refs();
            }
            Err(e) => {
                let len = s.chars().count();
                prop_assert!(e.offset.is_some_and(|o| o <= len), "offset {:?} of {}", e.offset, len);
            }
        }
    }

    #[test]
    fn eval_expr_never_panics_on_random_text(s in random_text()) {
        let _ = eval_expr(&s, &vars());
        let res = results();
        let _ = eval_expr(&s, &MapResolver(&res));
    }

    #[test]
    fn eval_expr_never_panics_on_token_text(s in biased_text()) {
        let _ = eval_expr(&s, &vars());
        let res = results();
        let _ = eval_expr(&s, &MapResolver(&res));
    }

    #[test]
    fn format_specs_never_panic(spec in biased_text(), f in any::<f64>(), i in any::<i64>()) {
        if let Ok(parsed) = FormatSpec::parse(&spec) {
            for value in [Value::Float(f), Value::Int(i), Value::Str(spec.clone()), Value::Bool(true)] {
                let _ = parsed.apply(&value);
            }
        }
    }

    #[test]
    fn float_repr_round_trips(f in any::<f64>().prop_filter("finite", |f| f.is_finite())) {
        let text = float_repr(f);
        prop_assert_eq!(text.parse::<f64>().ok(), Some(f));
        prop_assert!(text.contains('.') || text.contains('e'), "{}", text);
    }
}

proptest! {
    #![proptest_config(config(5_000))]

    #[test]
    fn template_and_bare_expression_agree(e in expression()) {
        let vars = vars();
        let bare = eval_expr(&e, &vars);
        let rendered = Template::parse(&format!("{{{{ {e} }}}}")).and_then(|t| t.render(&vars));
        match (&bare, &rendered) {
            (Ok(v), Ok(text)) => prop_assert_eq!(v.to_text().ok(), Some(text.clone())),
            (Ok(Value::List(_) | Value::Map(_)), Err(_)) => {}
            (Err(a), Err(b)) => prop_assert_eq!(&a.message, &b.message),
            _ => prop_assert!(false, "{:?} vs {:?}", bare, rendered),
        }
    }

    #[test]
    fn iterations_are_nested_loops_first_variable_slowest(
        a in prop::collection::vec("[a-z0-9]{1,3}", 1..4),
        b in prop::collection::vec("[A-Z]{1,2}", 0..4),
    ) {
        let a_items: Vec<&str> = a.iter().map(String::as_str).collect();
        let b_items: Vec<&str> = b.iter().map(String::as_str).collect();
        let r = TestVars::new().var("a", &a_items).var("b", &b_items);
        let out = Template::parse("<[~{{a}}={{b}}~,]>").unwrap().render(&r).unwrap();
        let mut copies = Vec::new();
        for x in &a {
            for y in &b {
                copies.push(format!("{x}={y}"));
            }
        }
        prop_assert_eq!(out, format!("<{}>", copies.join(",")));
    }

    #[test]
    fn literal_text_round_trips(s in "[^\\\\{\\[]*") {
        let t = Template::parse(&s).unwrap();
        prop_assert!(t.is_literal());
        prop_assert_eq!(t.render(&vars()).unwrap(), s);
    }

    #[test]
    fn escaped_text_round_trips(s in biased_text()) {
        let t = Template::parse(&escape(&s)).unwrap();
        prop_assert_eq!(t.render(&vars()).unwrap(), s);
    }

    #[test]
    fn floor_division_and_modulo_agree(a in any::<i64>(), b in any::<i64>().prop_filter("nonzero", |b| *b != 0)) {
        let r = TestVars::new()
            .var("a", &[&a.to_string()])
            .var("b", &[&b.to_string()]);
        let q = eval_expr("a // b", &r);
        let m = eval_expr("a % b", &r);
        if let (Ok(Value::Int(q)), Ok(Value::Int(m))) = (q, m) {
            prop_assert_eq!(q as i128 * b as i128 + m as i128, a as i128);
            prop_assert!(m == 0 || (m < 0) == (b < 0));
            prop_assert!((m as i128).abs() < (b as i128).abs());
        } else {
            prop_assert!(a == i64::MIN && b == -1);
        }
    }
}
