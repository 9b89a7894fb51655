//! Behaviour tests of the config string syntax (§7.1, §7.4, §7.6) through [`Template`].

use super::tests_eval::TestVars;
use super::*;

fn vars() -> TestVars {
    TestVars::new()
        .var("a", &["1", "2"])
        .var("b", &["x", "y"])
        .var("hosts", &["n1", "n2"])
        .var("u", &["p", "q"])
        .var("x", &["010", "b", "c"])
        .var("n", &["42"])
        .var("ver", &["1.10"])
        .var("nums", &["1", "2", "3"])
        .var("empty", &[])
        .set("pav", "timestamp", &["1712345678.123"])
        .mapped(
            "m",
            &[
                &[("host", "a"), ("port", "1")],
                &[("host", "b"), ("port", "2")],
            ],
        )
}

fn render(s: &str) -> String {
    Template::parse(s)
        .and_then(|t| t.render(&vars()))
        .unwrap_or_else(|e| panic!("{s:?}: {e} at {:?}", e.offset))
}

fn error(s: &str) -> ExprError {
    match Template::parse(s).and_then(|t| t.render(&vars())) {
        Ok(out) => panic!("{s:?} rendered to {out:?}"),
        Err(e) => e,
    }
}

fn render_list(s: &str) -> Vec<String> {
    Template::parse(s)
        .and_then(|t| t.render_list(&vars()))
        .unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

#[test]
fn literal_strings() {
    let t = Template::parse("plain text: a ~ b }} c ] d\\n").unwrap();
    assert!(t.is_literal());
    assert_eq!(
        t.literal_text().as_deref(),
        Some("plain text: a ~ b }} c ] d\\n")
    );
    assert_eq!(t.render(&vars()).unwrap(), "plain text: a ~ b }} c ] d\\n");
    assert_eq!(render("cd ~/x && echo }}"), "cd ~/x && echo }}");
    assert!(!Template::parse("{{ 1 }}").unwrap().is_literal());
    assert_eq!(Template::parse("{{ 1 }}").unwrap().literal_text(), None);
    assert!(Template::parse("").unwrap().is_literal());
}

#[test]
fn expressions_in_text() {
    assert_eq!(render("n={{ n }}, next={{n+1}}"), "n=42, next=43");
    assert_eq!(render("{{ ver }}"), "1.10");
    assert_eq!(render("{{ x }}"), "010");
    assert_eq!(render("{{ }}"), "");
    assert_eq!(render("[{{}}]"), "[]");
    assert_eq!(render("{{ \"}}\" }}"), "}}");
    assert_eq!(render("{{ x }}}"), "010}");
    assert_eq!(render("{{ \"a\\\"b\" }}"), "a\\\"b");
    assert_eq!(render("{{ \"C:\\path\" }}"), "C:\\path");
    assert_eq!(render("{{ 0.1 + 0.2 }}"), "0.30000000000000004");
    assert_eq!(render("{{ 3 > 2 }}"), "True");
    assert_eq!(render("{{ m.1.host }}:{{ m.1.port }}"), "b:2");
}

#[test]
fn format_specs() {
    assert_eq!(render("{{ 2^0.5 :0.3f}}"), "1.414");
    assert_eq!(render("{{ n :>5}}"), "   42");
    assert_eq!(render("{{ n:05 }}"), "00042");
    assert_eq!(render("{{ ver:>6 }}"), "  1.10");
    assert_eq!(render("{{ 1234567:, }}"), "1,234,567");
    assert_eq!(render("{{ 0.25:.1% }}"), "25.0%");
    assert_eq!(render("{{ 255:#x }}"), "0xff");
    assert_eq!(render("{{ 1: }}"), "1");
    // The spec starts at the last ':' outside brackets, parentheses and strings.
    assert_eq!(render("{{ \"a:b\" }}"), "a:b");
    assert_eq!(render("{{ \"a:b\" :>4}}"), " a:b");
    assert_eq!(render("{{ len(x[0:2]) :>3}}"), "  2");
    assert_eq!(render("{{ re_search(\"(\\d+):\", \"12:\") :>4}}"), "  12");
    let err = error("{{pav.timestamp:010d}}");
    assert_eq!(
        err.message,
        "cannot format 1712345678.123 with ':010d': unknown format code 'd' for a float"
    );
    assert_eq!(err.offset, Some(0));
    let err = error("ab {{ n :q }}");
    assert_eq!(
        err.message,
        "invalid format spec 'q': unknown format type 'q'"
    );
    assert_eq!(err.offset, Some(9));
    assert!(error("{{ x[1:2] }}")
        .message
        .contains("value resolved to a list"));
}

#[test]
fn escapes() {
    assert_eq!(render("\\{{ n }}"), "{{ n }}");
    assert_eq!(render("\\[~ a ~]"), "[~ a ~]");
    assert_eq!(render("a\\~b"), "a~b");
    assert_eq!(render("\\\\{{ n }}"), "\\42");
    assert_eq!(render("\\\\[~{{hosts}}~,]"), "\\n1,n2");
    assert_eq!(render("\\\\~"), "\\~");
    assert_eq!(render("a\\nb\\\\c\\"), "a\\nb\\\\c\\");
    assert_eq!(render("[~{{hosts}}\\~~,]"), "n1~,n2~");
    assert_eq!(render("[~{{hosts}}\\\\~,]"), "n1\\,n2\\");
}

#[test]
fn iterations() {
    assert_eq!(render("[~{{a}}{{b}}~,]"), "1x,1y,2x,2y");
    assert_eq!(render("srun [~-w {{hosts}} ~]./a"), "srun -w n1 -w n2 ./a");
    assert_eq!(render("[~{{m.host}}:{{m.port}}~,]"), "a:1,b:2");
    assert_eq!(render("[~{{hosts}}-{{x.1}}~ ]"), "n1-b n2-b");
    assert_eq!(render("[~{{hosts}}-{{len(x.*)}}~ ]"), "n1-3 n2-3");
    assert_eq!(render("[~{{ var.hosts }}~+]"), "n1+n2");
    assert_eq!(render("[~static~,]"), "static");
    assert_eq!(render("<[~{{empty}}~,]>"), "<>");
    assert_eq!(render("[~{{hosts}}~\\]]"), "n1]n2");
    assert_eq!(render("[~{{hosts}}~\\\\]x"), "n1\\n2x");
    assert_eq!(render("[~{{hosts}}~a]b]"), "n1an2b]");
    assert_eq!(render("[~{{ hosts:>3 }}~]"), " n1 n2");
    let err = error("x [~{{u}} {{u.1}}~,]");
    assert_eq!(
        err.message,
        "variable 'u' is both iterated over and indexed in one iteration"
    );
    assert_eq!(err.offset, Some(2));
    assert!(error("[~{{u}} {{u[0:1]}}~,]")
        .message
        .contains("both iterated"));
    assert_eq!(
        error("[~ [~a~] ~]"),
        ExprError::at("iterations cannot be nested", 3)
    );
    assert_eq!(
        error("ab [~ {{a}} "),
        ExprError::at(
            "unterminated iteration: missing '~' before the separator",
            3
        )
    );
    assert_eq!(
        error("[~ {{a}} ~,"),
        ExprError::at("unterminated iteration: missing the closing ']'", 0)
    );
    let err = error("[~{{nosuch}}~]");
    assert_eq!(
        err.message,
        "could not find a variable named 'nosuch' in any variable set"
    );
}

#[test]
fn list_context() {
    assert_eq!(render_list("{{ x.* }}"), vec!["010", "b", "c"]);
    assert_eq!(render_list("  {{ hosts.* }} "), vec!["n1", "n2"]);
    assert_eq!(render_list("{{ nums.* :03d}}"), vec!["001", "002", "003"]);
    assert_eq!(render_list("{{ m.*.port }}"), vec!["1", "2"]);
    assert_eq!(render_list("{{ [] }}"), Vec::<String>::new());
    assert_eq!(render_list("{{ x }}"), vec!["010"]);
    assert_eq!(render_list(" {{ 1 }} "), vec![" 1 "]);
    assert_eq!(render_list("plain"), vec!["plain"]);
    let t = Template::parse("a{{ hosts.* }}").unwrap();
    assert_eq!(
        t.render_list(&vars()).unwrap_err().message,
        "value resolved to a list"
    );
    let t = Template::parse("{{ [[1], [2]] }}").unwrap();
    assert!(t.render_list(&vars()).is_err());
    let t = Template::parse("{{ outliers([1, 9], [\"a\", \"b\"], 0) }}").unwrap();
    assert_eq!(
        t.render_list(&vars()).unwrap_err().message,
        "value resolved to a mapping"
    );
}

#[test]
fn refs_in_order_of_appearance() {
    let t = Template::parse("{{ a }} [~{{ sys.b.1 }} {{ c.*.d }}~]{{ a + e[f] }}").unwrap();
    let refs = t.refs();
    let names: Vec<String> = refs.iter().map(VarRef::qualified_name).collect();
    assert_eq!(names, vec!["a", "sys.b", "c", "e", "f"]);
    assert_eq!(refs[1].index, RefIndex::Index(1));
    assert_eq!(refs[2].index, RefIndex::All);
    assert_eq!(refs[2].subkey.as_deref(), Some("d"));
    assert_eq!(refs[3].index, RefIndex::Computed);
    assert_eq!(
        Template::parse("{{ x[-1] }}{{ x[1:] }}").unwrap().refs()[1].index,
        RefIndex::Slice(Some(1), None)
    );
    assert!(Template::parse("text").unwrap().refs().is_empty());
}

#[test]
fn syntax_errors_carry_character_offsets() {
    let err = Template::parse("abc {{ 1 + }}").unwrap_err();
    assert_eq!(
        err,
        ExprError::at("expected a value, found the end of the expression", 11)
    );
    let err = Template::parse("éé {{ 1 + }}").unwrap_err();
    assert_eq!(err.offset, Some(10), "offsets count characters, not bytes");
    assert_eq!(
        Template::parse("ab {{ x").unwrap_err(),
        ExprError::at("unterminated expression: missing '}}'", 3)
    );
    assert_eq!(
        Template::parse("{{ \"abc }}").unwrap_err(),
        ExprError::at("unterminated string literal", 3)
    );
    let err = Template::parse("12 {{ a.b.c.d.e }}").unwrap_err();
    assert!(err.message.contains("at most four parts"));
    assert_eq!(err.offset, Some(6));
    assert_eq!(Template::parse("{{ 1 2 }}").unwrap_err().offset, Some(5));
    assert_eq!(
        Template::parse("{{ nosuch(1) }}").unwrap_err().offset,
        Some(3)
    );
}

#[test]
fn escape_round_trips() {
    for text in [
        "plain",
        "{{ x }}",
        "[~ a ~]",
        "a ~ b",
        "\\{{",
        "\\\\{{",
        "\\[~x",
        "\\~",
        "{{{{",
        "[~~",
        "ends with \\",
        "\\\\",
        "}}]~\\]",
        "\"quoted\" \\\" {{",
        // Regressions (proptest): a lone `{` right before a backslash run that must become a
        // string expression made `{{{`.
        "{\\[~",
        "{{{\\[~",
        "{\\\\{{",
        "x{\\~",
    ] {
        let escaped = escape(text);
        let t = Template::parse(&escaped).unwrap_or_else(|e| panic!("{escaped:?}: {e}"));
        assert_eq!(t.render(&vars()).unwrap(), text, "escaped as {escaped:?}");
    }
    assert_eq!(escape("a {{b}}"), "a \\{{b}}");
    assert_eq!(escape("\\{{"), "{{\"\\{{\"}}");
}
