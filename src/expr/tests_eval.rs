//! Behaviour tests of expression evaluation (§7.2, §7.3, §7.5, §6.3, §11) through the public
//! API, plus the test resolver shared by the other test modules.

use std::collections::BTreeMap;

use super::*;

/// Variable sets for tests: (set, name) → items, unqualified names looked up in
/// var → sys → pav → sched order.
#[derive(Default)]
pub(super) struct TestVars {
    vars: BTreeMap<(String, String), Vec<Value>>,
}

impl TestVars {
    pub fn new() -> Self {
        TestVars::default()
    }

    pub fn set(mut self, set: &str, name: &str, items: &[&str]) -> Self {
        let items = items.iter().map(|s| Value::Str(s.to_string())).collect();
        self.vars.insert((set.to_string(), name.to_string()), items);
        self
    }

    pub fn var(self, name: &str, items: &[&str]) -> Self {
        self.set("var", name, items)
    }

    /// A variable whose items have sub-keys.
    pub fn mapped(mut self, name: &str, items: &[&[(&str, &str)]]) -> Self {
        let items = items
            .iter()
            .map(|pairs| {
                Value::Map(
                    pairs
                        .iter()
                        .map(|(k, v)| (k.to_string(), Value::Str(v.to_string())))
                        .collect(),
                )
            })
            .collect();
        self.vars
            .insert(("var".to_string(), name.to_string()), items);
        self
    }
}

impl Resolver for TestVars {
    fn items(&self, set: Option<&str>, name: &str) -> Result<Vec<Value>, ExprError> {
        let sets: Vec<&str> = match set {
            Some(s) => vec![s],
            None => VAR_SETS.to_vec(),
        };
        sets.iter()
            .find_map(|s| self.vars.get(&(s.to_string(), name.to_string())))
            .cloned()
            .ok_or_else(|| {
                ExprError::new(format!(
                    "could not find a variable named '{name}' in any variable set"
                ))
            })
    }
}

fn vars() -> TestVars {
    TestVars::new()
        .var("x", &["010", "b", "c"])
        .var("ten", &["10"])
        .var("nine", &["9"])
        .var("half", &["1.5"])
        .var("i", &["1"])
        .var("nums", &["1", "2", "3"])
        .var("words", &["a", "b"])
        .var("zero", &["0"])
        .set("sys", "host", &["n01"])
        .set("pav", "timestamp", &["1712345678.123"])
        .mapped(
            "m",
            &[
                &[("host", "a"), ("port", "1")],
                &[("host", "b"), ("port", "2")],
            ],
        )
}

fn ev(text: &str) -> Value {
    eval_expr(text, &vars()).unwrap_or_else(|e| panic!("{text}: {e} at {:?}", e.offset))
}

fn ev_err(text: &str) -> ExprError {
    match eval_expr(text, &vars()) {
        Ok(v) => panic!("{text} evaluated to {v:?}"),
        Err(e) => e,
    }
}

fn text(text: &str) -> String {
    ev(text).to_text().unwrap()
}

fn ints(items: &[i64]) -> Value {
    Value::List(items.iter().map(|&i| Value::Int(i)).collect())
}

fn bools(items: &[bool]) -> Value {
    Value::List(items.iter().map(|&b| Value::Bool(b)).collect())
}

fn strs(items: &[&str]) -> Value {
    Value::List(items.iter().map(|s| Value::Str(s.to_string())).collect())
}

#[test]
fn precedence() {
    assert_eq!(ev("1 + 2 * 3"), Value::Int(7));
    assert_eq!(ev("(1 + 2) * 3"), Value::Int(9));
    assert_eq!(ev("-2^2"), Value::Int(4));
    assert_eq!(ev("2^-1"), Value::Float(0.5));
    assert_eq!(ev("2^3*2"), Value::Int(16));
    assert_eq!(ev("2*3^2"), Value::Int(18));
    assert_eq!(ev("(2^3)^2"), Value::Int(64));
    assert!(ev_err("2^3^2").message.contains("only one '^'"));
    assert_eq!(ev("10 - 4 - 3"), Value::Int(3));
    assert_eq!(ev("100 / 10 / 5"), Value::Float(2.0));
    assert_eq!(ev("not 1 == 2"), Value::Bool(true));
    assert_eq!(ev("True or False and False"), Value::Bool(true));
    assert_eq!(ev("1 < 2 and 2 < 1 or 3 > 2"), Value::Bool(true));
    // `..` binds tighter than arithmetic: 1 + ("2" .. "3").
    assert_eq!(ev("1 + 2 .. 3"), Value::Int(24));
    assert_eq!(ev("2 .. 3 * 2"), Value::Int(46));
    assert_eq!(ev("- - 3"), Value::Int(3));
    assert_eq!(ev("+True"), Value::Int(1));
}

#[test]
fn chained_comparisons() {
    assert_eq!(ev("1 < 2 < 3"), Value::Bool(true));
    assert_eq!(ev("3 > 2 > 2"), Value::Bool(false));
    assert_eq!(ev("1 < 3 > 2"), Value::Bool(true));
    assert_eq!(ev("1 == 1.0 == True"), Value::Bool(true));
    assert_eq!(ev("1 <= 1 >= 0 != 5"), Value::Bool(true));
    assert_eq!(ev("[1, 5] < 3 < [4, 2]"), bools(&[true, false]));
}

#[test]
fn division_floor_and_modulo() {
    assert_eq!(ev("4 / 2"), Value::Float(2.0));
    assert_eq!(text("4 / 2"), "2.0");
    assert_eq!(ev("7 // 2"), Value::Int(3));
    assert_eq!(ev("-7 // 2"), Value::Int(-4));
    assert_eq!(ev("7 // -2"), Value::Int(-4));
    assert_eq!(ev("7.5 // 2"), Value::Float(3.0));
    assert_eq!(ev("-7.5 // 2"), Value::Float(-4.0));
    assert_eq!(ev("-7 % 3"), Value::Int(2));
    assert_eq!(ev("7 % -3"), Value::Int(-2));
    assert_eq!(ev("-7.5 % 2"), Value::Float(0.5));
    for expr in [
        "1 / 0",
        "1 // 0",
        "1 % 0",
        "1.0 / 0.0",
        "1.5 // 0",
        "2 % 0.0",
    ] {
        assert_eq!(ev_err(expr).message, "division by zero", "{expr}");
    }
}

#[test]
fn integer_overflow_is_an_error() {
    for expr in [
        "9223372036854775807 + 1",
        "-9223372036854775807 - 2",
        "4611686018427387904 * 2",
        "2 ^ 63",
        "-(-9223372036854775807 - 1)",
        "(-9223372036854775807 - 1) // -1",
        "sum([9223372036854775807, 1])",
    ] {
        assert!(ev_err(expr).message.contains("overflow"), "{expr}");
    }
    assert_eq!(ev("2 ^ 62"), Value::Int(4_611_686_018_427_387_904));
    assert_eq!(ev("-9223372036854775807 - 1"), Value::Int(i64::MIN));
}

#[test]
fn logic_uses_truthiness_and_returns_bools() {
    assert_eq!(ev("not 0"), Value::Bool(true));
    assert_eq!(ev("not \"\""), Value::Bool(true));
    assert_eq!(ev("not []"), Value::Bool(true));
    assert_eq!(ev("not [0]"), Value::Bool(false));
    assert_eq!(ev("not 0.0"), Value::Bool(true));
    assert_eq!(ev("1 and \"x\""), Value::Bool(true));
    assert_eq!(ev("0 or \"\""), Value::Bool(false));
    assert_eq!(ev("2 or 0"), Value::Bool(true));
    // Variable text is auto-typed: "0" is the number 0.
    assert_eq!(ev("not zero"), Value::Bool(true));
    assert_eq!(ev("zero or False"), Value::Bool(false));
    // Both operands are evaluated: an error on the right is reported even when the left decides.
    assert!(ev_err("True or 1 / 0").message.contains("division by zero"));
    assert!(ev_err("False and nosuch").message.contains("nosuch"));
}

#[test]
fn equality_and_ordering() {
    assert_eq!(ev("\"abc\" == 1"), Value::Bool(false));
    assert_eq!(ev("\"abc\" != 1"), Value::Bool(true));
    assert_eq!(ev("1 == 1.0"), Value::Bool(true));
    assert_eq!(ev("True == 1"), Value::Bool(true));
    assert_eq!(ev("ten == 10"), Value::Bool(true));
    assert_eq!(ev("\"abc\" < \"abd\""), Value::Bool(true));
    assert_eq!(ev("\"B\" < \"a\""), Value::Bool(true));
    // Numeric-looking texts compare as numbers.
    assert_eq!(ev("ten < nine"), Value::Bool(false));
    assert_eq!(ev("half > 1"), Value::Bool(true));
    assert_eq!(
        ev_err("\"abc\" < 1").message,
        "cannot compare string 'abc' with int 1"
    );
    assert_eq!(
        ev_err("1 >= words").message,
        "cannot compare int 1 with string 'a'"
    );
    assert_eq!(ev("[1, 2] == [1, 2]"), bools(&[true, true]));
    assert_eq!(ev("[1, 2] != [1, 3]"), bools(&[false, true]));
    assert_eq!(
        ev("9007199254740993 > 9007199254740992.0"),
        Value::Bool(true)
    );
}

#[test]
fn element_wise_lists() {
    assert_eq!(ev("[1, 2] + [3, 4]"), ints(&[4, 6]));
    assert_eq!(ev("[1, 2] * 2"), ints(&[2, 4]));
    assert_eq!(ev("2 - [1, 2]"), ints(&[1, 0]));
    assert_eq!(ev("[1, 2] ^ 2"), ints(&[1, 4]));
    assert_eq!(ev("-[1, 2]"), ints(&[-1, -2]));
    assert_eq!(ev("[1, 0] and True"), bools(&[true, false]));
    assert_eq!(ev("[0, 0] or [1, 0]"), bools(&[true, false]));
    assert_eq!(ev("nums.* * 2"), ints(&[2, 4, 6]));
    assert_eq!(
        ev("[[1, 2], [3]] + 1"),
        Value::List(vec![ints(&[2, 3]), ints(&[4])])
    );
    assert_eq!(
        ev_err("[1, 2] + [1]").message,
        "list operations need lists of equal length (got 2 and 1 items)"
    );
}

#[test]
fn concatenation() {
    assert_eq!(ev("\"a\" .. \"b\""), Value::Str("ab".into()));
    assert_eq!(ev("1.5 .. \"x\""), Value::Str("1.5x".into()));
    assert_eq!(ev("x .. \"a\""), Value::Str("010a".into()));
    assert_eq!(ev("True .. 1 .. 2.0"), Value::Str("True12.0".into()));
    assert_eq!(
        ev("[1, 2] .. [3]"),
        Value::List(vec![Value::Int(1), Value::Int(2), Value::Int(3)])
    );
    assert_eq!(ev("[1, 2] .. \"x\""), strs(&["1x", "2x"]));
    assert_eq!(ev("\"x\" .. [1, 2]"), strs(&["x1", "x2"]));
    assert_eq!(ev("\"-w \" .. words.*"), strs(&["-w a", "-w b"]));
}

#[test]
fn strings_in_math_are_auto_typed() {
    assert_eq!(ev("\"3\" + 1"), Value::Int(4));
    assert_eq!(ev("half * 2"), Value::Float(3.0));
    assert_eq!(ev("x + 1"), Value::Int(11));
    assert_eq!(ev("True + True"), Value::Int(2));
    assert_eq!(
        ev_err("\"abc\" + 1").message,
        "math operation given string 'abc'"
    );
    assert_eq!(
        ev_err("words * 2").message,
        "math operation given string 'a'"
    );
    assert!(ev_err("-\"a\"").message.contains("string 'a'"));
}

#[test]
fn float_text_is_python_repr() {
    assert_eq!(text("1.0"), "1.0");
    assert_eq!(text("0.1 + 0.2"), "0.30000000000000004");
    assert_eq!(text("1 / 10000"), "0.0001");
    assert_eq!(text("1 / 100000"), "1e-05");
    assert_eq!(text("10.0 ^ 16"), "1e+16");
    assert_eq!(text("10.0 ^ 15"), "1000000000000000.0");
    assert_eq!(text("2 ^ 0.5"), "1.4142135623730951");
    assert_eq!(text("-0.0"), "-0.0");
}

#[test]
fn references_follow_the_variable_table() {
    assert_eq!(ev("x"), Value::Str("010".into()));
    assert_eq!(ev("x.1"), Value::Str("b".into()));
    assert_eq!(ev("x[1]"), Value::Str("b".into()));
    assert_eq!(ev("x[-1]"), Value::Str("c".into()));
    assert_eq!(ev("x[1:3]"), strs(&["b", "c"]));
    assert_eq!(ev("x[:2]"), strs(&["010", "b"]));
    assert_eq!(ev("x[i]"), Value::Str("b".into()));
    assert_eq!(ev("x[i + 1]"), Value::Str("c".into()));
    assert_eq!(ev("x.*"), strs(&["010", "b", "c"]));
    assert_eq!(ev("m.host"), Value::Str("a".into()));
    assert_eq!(ev("m.1.port"), Value::Str("2".into()));
    assert_eq!(ev("m[-1].host"), Value::Str("b".into()));
    assert_eq!(ev("m.*.host"), strs(&["a", "b"]));
    assert_eq!(ev("sys.host"), Value::Str("n01".into()));
    assert_eq!(ev("host"), Value::Str("n01".into()));
    assert_eq!(ev("var.x"), Value::Str("010".into()));
    let err = ev_err("1 + nosuch");
    assert_eq!(
        err.message,
        "could not find a variable named 'nosuch' in any variable set"
    );
    assert_eq!(err.offset, Some(4));
    assert_eq!(
        ev_err("m").message,
        "variable has sub-values; one must be requested explicitly"
    );
    assert_eq!(
        ev_err("x.5").message,
        "index 5 is out of range for variable 'x' (3 items)"
    );
    assert_eq!(
        ev_err("x[-4]").message,
        "index -4 is out of range for variable 'x' (3 items)"
    );
    assert_eq!(
        ev_err("m.nope").message,
        "variable 'm' has no sub-key 'nope'"
    );
    assert!(ev_err("sys.host.0.a.b")
        .message
        .contains("at most four parts"));
    assert_eq!(
        ev_err("x[\"a\"]").message,
        "an index must be an integer, got string 'a'"
    );
}

#[test]
fn expression_refs_and_root_names() {
    let e = Expression::parse("sum(t.*.speed) + x[i] + sys.host + t.a.b.c.d").unwrap();
    assert_eq!(e.root_names(), vec!["t", "x", "i", "sys"]);
    let refs = e.refs();
    assert_eq!(refs.len(), 4);
    assert_eq!(refs[0].index, RefIndex::All);
    assert_eq!(refs[1].index, RefIndex::Computed);
    assert_eq!(refs[2].name, "i");
    assert_eq!(refs[3].set.as_deref(), Some("sys"));
    assert_eq!(eval_expr("  ", &vars()), Ok(Value::Str(String::new())));
}

fn results() -> BTreeMap<String, Value> {
    let json = serde_json::json!({
        "table": {
            "cn01": {"speed": 1.0, "name": "x"},
            "cn02": {"speed": "3"},
            "cn03": {"speed": 10, "mem": "lots"}
        },
        "flat": {"a": 1, "b": "5", "c": "fast", "d": null},
        "times": [1, 2, 3, null],
        "return_value": 0,
        "msg": "all 12 passed"
    });
    match Value::from_json(&json) {
        Value::Map(m) => m,
        _ => unreachable!(),
    }
}

fn ev_res(text: &str) -> Result<Value, ExprError> {
    let res = results();
    eval_expr(text, &MapResolver(&res))
}

fn map(pairs: &[(&str, Value)]) -> Value {
    Value::Map(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

#[test]
fn result_mapping_references() {
    assert_eq!(ev_res("return_value == 0"), Ok(Value::Bool(true)));
    assert_eq!(ev_res("table.cn02.speed"), Ok(Value::Int(3)));
    assert_eq!(
        ev_res("table.*.speed"),
        Ok(Value::List(vec![
            Value::Float(1.0),
            Value::Int(3),
            Value::Int(10)
        ]))
    );
    assert_eq!(ev_res("sum(times.*)"), Ok(Value::Int(6)));
    assert_eq!(ev_res("len(times)"), Ok(Value::Int(4)));
    assert_eq!(ev_res("times[-2]"), Ok(Value::Int(3)));
    assert_eq!(ev_res("keys(table)"), Ok(strs(&["cn01", "cn02", "cn03"])));
    assert_eq!(ev_res("keys(table)[1]"), Ok(Value::Str("cn02".into())));
    assert_eq!(
        ev_res("int(re_search(\"(\\d+) passed\", msg), 10)"),
        Ok(Value::Int(12))
    );
    assert_eq!(
        ev_res("table.nope").unwrap_err().message,
        "key 'nope' does not exist in 'table'"
    );
}

#[test]
fn numeric_functions() {
    let cases: [(&str, Value); 24] = [
        ("int(\"0x1f\", 16)", Value::Int(31)),
        ("int(\"11\", 2)", Value::Int(3)),
        ("int(ten, 16)", Value::Int(16)),
        ("int(\"-12\")", Value::Int(-12)),
        ("round(2.5)", Value::Int(2)),
        ("round(3.5)", Value::Int(4)),
        ("round(-2.5)", Value::Int(-2)),
        ("round(half)", Value::Int(2)),
        ("round(7)", Value::Int(7)),
        ("round_dig(2.675, 2)", Value::Float(2.67)),
        ("round_dig(12.12341234, 3)", Value::Float(12.123)),
        ("round_dig(1234.5, -2)", Value::Float(1200.0)),
        ("floor(-1.5)", Value::Int(-2)),
        ("ceil(-1.5)", Value::Int(-1)),
        ("ceil(\"2.1\")", Value::Int(3)),
        ("log(8, 2)", Value::Float(3.0)),
        ("log(100, 10)", Value::Float(2.0)),
        ("sqrt(16)", Value::Float(4.0)),
        ("sum([1, 2, 3])", Value::Int(6)),
        ("sum([1, 2.5])", Value::Float(3.5)),
        ("sum([])", Value::Int(0)),
        ("sum(nums.*)", Value::Int(6)),
        ("min([3, 1, 2])", Value::Int(1)),
        ("max([1, 2.5, 2])", Value::Float(2.5)),
    ];
    for (expr, want) in cases {
        assert_eq!(ev(expr), want, "{expr}");
    }
    assert_eq!(ev("avg([1, 2])"), Value::Float(1.5));
    assert_eq!(ev("avg(nums.*)"), Value::Float(2.0));
    assert_eq!(ev("max([True, 0])"), Value::Int(1));
    for (expr, message) in [
        ("avg([])", "avg(): the list is empty"),
        ("min([])", "min(): the list is empty"),
        ("sqrt(-1)", "sqrt(): math domain error (negative number)"),
        (
            "sqrt(\"a\")",
            "sqrt(): argument 1 must be a number, got string 'a'",
        ),
        (
            "sum([\"a\"])",
            "sum(): list items must be numbers, got string 'a'",
        ),
        ("sum(5)", "sum(): argument 1 must be a list, got int 5"),
        ("int(\"z\", 10)", "int(): invalid literal for base 10: 'z'"),
        (
            "int(1.5, 10)",
            "int(): argument 1 must be a string, got float 1.5",
        ),
        (
            "round_dig(1.5, 0.5)",
            "round_dig(): argument 2 must be an integer, got float 0.5",
        ),
        ("log(5, 1)", "log(): the base must not be 1"),
        (
            "floor(10.0 ^ 300)",
            "floor(): 1e+300 does not fit in a 64-bit integer",
        ),
    ] {
        assert_eq!(ev_err(expr).message, message, "{expr}");
    }
    assert!(ev_err("log(0, 2)").message.contains("math domain error"));
    assert_eq!(ev_err("len(1, 2)").message, "len() takes 1 argument, got 2");
    assert_eq!(
        ev_err("replace(\"a\")").message,
        "replace() takes 3 arguments, got 1"
    );
}

#[test]
fn collection_and_text_functions() {
    assert_eq!(ev("len(\"héllo\")"), Value::Int(5));
    assert_eq!(ev("len(x.*)"), Value::Int(3));
    assert_eq!(ev("len(x)"), Value::Int(3), "len of the text '010'");
    assert_eq!(
        ev_err("len(5)").message,
        "len(): argument 1 must be a string, list or mapping, got int 5"
    );
    assert_eq!(ev("all([1, \"x\", True])"), Value::Bool(true));
    assert_eq!(ev("all([1, 0])"), Value::Bool(false));
    assert_eq!(ev("all([])"), Value::Bool(true));
    assert_eq!(ev("any([0, \"\"])"), Value::Bool(false));
    assert_eq!(ev("any([zero, \"0.0\"])"), Value::Bool(false));
    assert_eq!(ev("any([])"), Value::Bool(false));
    assert_eq!(ev("range(1, 4)"), ints(&[1, 2, 3]));
    assert_eq!(ev("range(3)"), ints(&[0, 1, 2]));
    assert_eq!(ev("range(5, 1)"), ints(&[]));
    assert!(ev_err("range(0, 10000000)").message.contains("more than"));
    assert_eq!(
        ev("replace(\"a-b-c\", \"-\", \"+\")"),
        Value::Str("a+b+c".into())
    );
    assert_eq!(ev("replace(x, 0, 9)"), Value::Str("919".into()));
    assert_eq!(
        ev("re_search(\"(\\d+)\", \"n 12\")"),
        Value::Str("12".into())
    );
    assert_eq!(
        ev("re_search(\"n \\d\", \"n 12\")"),
        Value::Str("n 1".into())
    );
    assert_eq!(ev("re_search(\"q\", \"n 12\")"), Value::Str(String::new()));
    let Value::Float(r) = ev("random()") else {
        panic!("random() is not a float")
    };
    assert!((0.0..1.0).contains(&r));
    assert_eq!(ev_res("keys(flat)"), Ok(strs(&["a", "b", "c", "d"])));
    assert_eq!(ev_res("len(flat)"), Ok(Value::Int(4)));
    assert!(ev_err("keys(x.*)").message.contains("must be a mapping"));
}

#[test]
fn filters_and_outliers() {
    assert_eq!(
        ev_res("high_pass_filter(flat, 2)"),
        Ok(map(&[("b", Value::Int(5))]))
    );
    assert_eq!(
        ev_res("low_pass_filter(flat, 2)"),
        Ok(map(&[("a", Value::Int(1))]))
    );
    let high = ev_res("high_pass_filter(table, 2, \"speed\")").unwrap();
    assert_eq!(keys_of(&high), vec!["cn02".to_string(), "cn03".to_string()]);
    assert_eq!(
        ev_res("high_pass_filter(table, 2)").unwrap_err().message,
        "high_pass_filter(): the value of 'cn01' is a mapping, so a sub-key must be given"
    );
    assert_eq!(
        ev_res("low_pass_filter(flat, 2, \"x\")")
            .unwrap_err()
            .message,
        "low_pass_filter(): sub-key 'x' given, but the value of 'a' is not a mapping"
    );
    assert_eq!(
        ev("outliers([1, 1, 1, 1, 10], [\"a\", \"b\", \"c\", \"d\", \"e\"], 1.5)"),
        map(&[("e", Value::Float(2.0))])
    );
    assert_eq!(
        ev("outliers([1, 1, 10], [\"a\", \"b\", \"c\"], 1.0).c"),
        Value::Float(std::f64::consts::SQRT_2)
    );
    assert_eq!(ev("outliers([3, 3], [\"a\", \"b\"], 0)"), map(&[]));
    assert_eq!(
        ev_err("outliers([1, 1, 10], [\"a\", \"b\", \"c\"], 1.5).c").message,
        "key 'c' does not exist in 'outliers()'"
    );
    assert_eq!(
        ev_err("outliers([1, 2], [\"a\"], 1)").message,
        "outliers(): values and names must have the same length (got 2 and 1)"
    );
    assert_eq!(
        ev_res("outliers(table.*.speed, keys(table), 1.0)"),
        Ok(map(&[("cn03", Value::Float(1.382189480930176))]))
    );
}

fn keys_of(v: &Value) -> Vec<String> {
    match v {
        Value::Map(m) => m.keys().cloned().collect(),
        other => panic!("not a mapping: {other:?}"),
    }
}
