//! Config string syntax (§7.1, §7.6): literal text, `{{ expr [:spec] }}` expressions and
//! `[~ text ~sep]` iterations, with their escapes; parsing into a [`Template`] and rendering.

use super::error::ExprError;
use super::eval::{eval_node, Expression};
use super::format_spec::FormatSpec;
use super::lexer::string_end;
use super::parser;
use super::refs::{comps_of_segs, resolve_var_path, RefIndex, RefPart, Resolver, VarRef};
use super::value::Value;

/// Iterations producing more copies than this are errors (a guard against huge products).
const MAX_ITERATION_COPIES: usize = 100_000;

/// A parsed config string. Parse once, render many times.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    source: String,
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Expr(ExprPart),
    Iter(IterPart),
}

#[derive(Debug, Clone, PartialEq)]
struct ExprPart {
    expr: Expression,
    spec: Option<FormatSpec>,
    /// Offset of the `{{`.
    pos: usize,
    refs: Vec<VarRef>,
}

#[derive(Debug, Clone, PartialEq)]
struct IterPart {
    /// Only `Text` and `Expr` parts.
    body: Vec<Part>,
    separator: String,
    /// Offset of the `[~`.
    pos: usize,
    /// (set, name) of the iterated variables, in order of first appearance.
    iterated: Vec<(Option<String>, String)>,
}

/// The special sequences that a backslash escapes, longest first.
const SPECIALS: [&str; 3] = ["{{", "[~", "~"];

fn starts_with(chars: &[char], at: usize, pat: &str) -> bool {
    (at..)
        .zip(pat.chars())
        .all(|(i, p)| chars.get(i) == Some(&p))
}

fn special_at(chars: &[char], at: usize) -> Option<&'static str> {
    SPECIALS.into_iter().find(|s| starts_with(chars, at, s))
}

struct Scanner<'c> {
    chars: &'c [char],
    i: usize,
}

impl Scanner<'_> {
    /// Scans text and expressions until the end (`in_iter == false`) or an unescaped `~`
    /// (`in_iter == true`, the `~` is consumed). Returns the parts and whether `~` was found.
    fn parts(&mut self, in_iter: bool) -> Result<(Vec<Part>, bool), ExprError> {
        let chars = self.chars;
        let mut parts = Vec::new();
        let mut text = String::new();
        let flush = |text: &mut String, parts: &mut Vec<Part>| {
            if !text.is_empty() {
                parts.push(Part::Text(std::mem::take(text)));
            }
        };
        while self.i < chars.len() {
            let i = self.i;
            if chars[i] == '\\'
                && chars.get(i + 1) == Some(&'\\')
                && special_at(chars, i + 2).is_some()
            {
                // `\\{{`: a literal backslash, then the special sequence keeps its meaning.
                text.push('\\');
                self.i += 2;
                continue;
            }
            if chars[i] == '\\' {
                if let Some(special) = special_at(chars, i + 1) {
                    text.push_str(special);
                    self.i += 1 + special.chars().count();
                    continue;
                }
            }
            if starts_with(chars, i, "{{") {
                flush(&mut text, &mut parts);
                parts.push(Part::Expr(self.expression()?));
                continue;
            }
            if starts_with(chars, i, "[~") {
                if in_iter {
                    return Err(ExprError::at("iterations cannot be nested", i));
                }
                flush(&mut text, &mut parts);
                parts.push(Part::Iter(self.iteration()?));
                continue;
            }
            if in_iter && chars[i] == '~' {
                self.i += 1;
                flush(&mut text, &mut parts);
                return Ok((parts, true));
            }
            text.push(chars[i]);
            self.i += 1;
        }
        flush(&mut text, &mut parts);
        Ok((parts, false))
    }

    /// `{{ expr [:spec] }}` starting at `self.i`.
    fn expression(&mut self) -> Result<ExprPart, ExprError> {
        let chars = self.chars;
        let pos = self.i;
        let start = pos + 2;
        let mut j = start;
        let end = loop {
            match chars.get(j) {
                None => return Err(ExprError::at("unterminated expression: missing '}}'", pos)),
                Some('"') => {
                    j = string_end(chars, j)
                        .ok_or_else(|| ExprError::at("unterminated string literal", j))?;
                }
                Some('}') if chars.get(j + 1) == Some(&'}') => break j,
                Some(_) => j += 1,
            }
        };
        self.i = end + 2;
        let (expr_end, spec) = match format_colon(&chars[start..end]) {
            Some(colon) => {
                let spec_start = start + colon + 1;
                let spec_text: String = chars[spec_start..end].iter().collect();
                let spec = FormatSpec::parse(spec_text.trim_end())
                    .map_err(|e| ExprError::at(e.message, spec_start + e.offset.unwrap_or(0)))?;
                (start + colon, Some(spec))
            }
            None => (end, None),
        };
        let expr_chars = &chars[start..expr_end];
        let root = parser::parse(expr_chars, start)?;
        let mut refs: Vec<VarRef> = Vec::new();
        let mut ref_error = None;
        if let Some(node) = &root {
            node.visit_refs(
                &mut |segs, at| match VarRef::classify(&comps_of_segs(segs)) {
                    Ok(r) => {
                        if !refs.contains(&r) {
                            refs.push(r);
                        }
                    }
                    Err(e) => {
                        ref_error.get_or_insert(e.or_at(at));
                    }
                },
            );
        }
        if let Some(err) = ref_error {
            return Err(err);
        }
        Ok(ExprPart {
            expr: Expression::from_node(expr_chars.iter().collect(), root),
            spec,
            pos,
            refs,
        })
    }

    /// `[~ text ~sep]` starting at `self.i`.
    fn iteration(&mut self) -> Result<IterPart, ExprError> {
        let chars = self.chars;
        let pos = self.i;
        self.i += 2;
        let (body, closed) = self.parts(true)?;
        if !closed {
            return Err(ExprError::at(
                "unterminated iteration: missing '~' before the separator",
                pos,
            ));
        }
        let mut separator = String::new();
        loop {
            let i = self.i;
            match chars.get(i) {
                None => {
                    return Err(ExprError::at(
                        "unterminated iteration: missing the closing ']'",
                        pos,
                    ))
                }
                Some('\\') if starts_with(chars, i + 1, "\\]") => {
                    separator.push('\\');
                    self.i += 3;
                    break;
                }
                Some('\\') if chars.get(i + 1) == Some(&']') => {
                    separator.push(']');
                    self.i += 2;
                }
                Some(']') => {
                    self.i += 1;
                    break;
                }
                Some(&c) => {
                    separator.push(c);
                    self.i += 1;
                }
            }
        }
        let mut iterated: Vec<(Option<String>, String)> = Vec::new();
        let mut indexed: Vec<&VarRef> = Vec::new();
        for part in &body {
            if let Part::Expr(e) = part {
                for r in &e.refs {
                    let key = (r.set.clone(), r.name.clone());
                    if r.index == RefIndex::None {
                        if !iterated.contains(&key) {
                            iterated.push(key);
                        }
                    } else {
                        indexed.push(r);
                    }
                }
            }
        }
        if let Some(r) = indexed
            .iter()
            .find(|r| iterated.contains(&(r.set.clone(), r.name.clone())))
        {
            return Err(ExprError::at(
                format!(
                    "variable '{}' is both iterated over and indexed in one iteration",
                    r.qualified_name()
                ),
                pos,
            ));
        }
        Ok(IterPart {
            body,
            separator,
            pos,
            iterated,
        })
    }
}

/// Position of the `:` that starts the format spec: the last one outside brackets,
/// parentheses and string literals.
fn format_colon(chars: &[char]) -> Option<usize> {
    let mut depth: usize = 0;
    let mut found = None;
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '"' => {
                i = string_end(chars, i).unwrap_or(chars.len());
                continue;
            }
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            ':' if depth == 0 => found = Some(i),
            _ => {}
        }
        i += 1;
    }
    found
}

/// Resolves like the wrapped resolver, except that the variables being iterated over have
/// exactly the one item of the current copy.
struct IterResolver<'a> {
    inner: &'a dyn Resolver,
    fixed: Vec<(&'a (Option<String>, String), &'a Value)>,
}

impl Resolver for IterResolver<'_> {
    fn items(&self, set: Option<&str>, name: &str) -> Result<Vec<Value>, ExprError> {
        for ((fixed_set, fixed_name), item) in &self.fixed {
            if fixed_set.as_deref() == set && fixed_name == name {
                return Ok(vec![(*item).clone()]);
            }
        }
        self.inner.items(set, name)
    }

    fn resolve(&self, parts: &[RefPart]) -> Result<Value, ExprError> {
        // Always the §6.3 rules on top of `items`, so the fixed items apply even when the
        // wrapped resolver overrides `resolve`.
        resolve_var_path(self, parts)
    }
}

fn render_expr(e: &ExprPart, vars: &dyn Resolver) -> Result<String, ExprError> {
    let value = match e.expr.root() {
        Some(node) => eval_node(node, vars)?,
        None => Value::Str(String::new()),
    };
    format_value(e, &value)
}

fn format_value(e: &ExprPart, value: &Value) -> Result<String, ExprError> {
    match &e.spec {
        Some(spec) => spec.apply(value),
        None => value.to_text(),
    }
    .map_err(|err| err.or_at(e.pos))
}

fn render_parts(parts: &[Part], vars: &dyn Resolver, out: &mut String) -> Result<(), ExprError> {
    for part in parts {
        match part {
            Part::Text(text) => out.push_str(text),
            Part::Expr(e) => out.push_str(&render_expr(e, vars)?),
            Part::Iter(it) => render_iter(it, vars, out)?,
        }
    }
    Ok(())
}

fn render_iter(it: &IterPart, vars: &dyn Resolver, out: &mut String) -> Result<(), ExprError> {
    let item_lists = it
        .iterated
        .iter()
        .map(|(set, name)| {
            vars.items(set.as_deref(), name)
                .map_err(|e| e.or_at(it.pos))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let copies = item_lists
        .iter()
        .try_fold(1_usize, |acc, items| acc.checked_mul(items.len()))
        .filter(|&n| n <= MAX_ITERATION_COPIES)
        .ok_or_else(|| {
            ExprError::at(
                format!("iteration would produce more than {MAX_ITERATION_COPIES} copies"),
                it.pos,
            )
        })?;
    // Odometer over the item indexes; the last variable varies fastest.
    let mut counters = vec![0_usize; item_lists.len()];
    for copy in 0..copies {
        if copy > 0 {
            out.push_str(&it.separator);
        }
        let fixed = it
            .iterated
            .iter()
            .zip(&item_lists)
            .zip(&counters)
            .map(|((key, items), &at)| (key, &items[at]))
            .collect();
        let overlay = IterResolver { inner: vars, fixed };
        render_parts(&it.body, &overlay, out)?;
        for (counter, items) in counters.iter_mut().zip(&item_lists).rev() {
            *counter += 1;
            if *counter < items.len() {
                break;
            }
            *counter = 0;
        }
    }
    Ok(())
}

impl Template {
    /// Parses a config string. Syntax errors carry the character offset of the problem.
    pub fn parse(s: &str) -> Result<Template, ExprError> {
        let chars: Vec<char> = s.chars().collect();
        let mut scanner = Scanner {
            chars: &chars,
            i: 0,
        };
        let (parts, _) = scanner.parts(false)?;
        Ok(Template {
            source: s.to_string(),
            parts,
        })
    }

    /// The text this template was parsed from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Every variable reference used, deduplicated, in order of first appearance.
    pub fn refs(&self) -> Vec<VarRef> {
        let mut out: Vec<VarRef> = Vec::new();
        let mut add = |refs: &[VarRef]| {
            for r in refs {
                if !out.contains(r) {
                    out.push(r.clone());
                }
            }
        };
        for part in &self.parts {
            match part {
                Part::Text(_) => {}
                Part::Expr(e) => add(&e.refs),
                Part::Iter(it) => {
                    for inner in &it.body {
                        if let Part::Expr(e) = inner {
                            add(&e.refs);
                        }
                    }
                }
            }
        }
        out
    }

    /// True when the string has no expressions or iterations (escapes already applied).
    pub fn is_literal(&self) -> bool {
        self.parts.iter().all(|p| matches!(p, Part::Text(_)))
    }

    /// The literal text when [`Template::is_literal`], without evaluating anything.
    pub fn literal_text(&self) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                _ => return None,
            }
        }
        Some(out)
    }

    /// Renders the string; a list or mapping value is an error (`value resolved to a list`).
    pub fn render(&self, vars: &dyn Resolver) -> Result<String, ExprError> {
        let mut out = String::new();
        render_parts(&self.parts, vars, &mut out)?;
        Ok(out)
    }

    /// The single expression of a string that is exactly one expression (surrounding
    /// whitespace allowed).
    fn single_expr(&self) -> Option<&ExprPart> {
        let mut found = None;
        for part in &self.parts {
            match part {
                Part::Text(t) if t.chars().all(char::is_whitespace) => {}
                Part::Expr(e) if found.is_none() => found = Some(e),
                _ => return None,
            }
        }
        found
    }

    /// List context (§7.1): when the string is exactly one expression whose value is a list,
    /// its items as texts (format spec applied to each); otherwise the one rendered string.
    pub fn render_list(&self, vars: &dyn Resolver) -> Result<Vec<String>, ExprError> {
        let Some(e) = self.single_expr() else {
            return Ok(vec![self.render(vars)?]);
        };
        let value = match e.expr.root() {
            Some(node) => eval_node(node, vars)?,
            None => Value::Str(String::new()),
        };
        match value {
            Value::List(items) => items.iter().map(|item| format_value(e, item)).collect(),
            other => {
                let text = format_value(e, &other)?;
                let mut out = String::new();
                for part in &self.parts {
                    match part {
                        Part::Text(t) => out.push_str(t),
                        _ => out.push_str(&text),
                    }
                }
                Ok(vec![out])
            }
        }
    }
}

/// Escapes literal text so that [`Template::parse`] + render gives it back unchanged.
/// A backslash run directly before `{{`, `[~` or `~` has no escape form of its own, so that
/// piece is written as a string literal expression (`{{"\{{"}}`).
pub fn escape(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    // Whether the last thing written is a literal `{` of the text on its own.
    let mut lone_brace = false;
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' {
            let run_end = (i..chars.len())
                .find(|&j| chars[j] != '\\')
                .unwrap_or(chars.len());
            match special_at(&chars, run_end) {
                Some(special) => {
                    let run: String = chars[i..run_end].iter().collect();
                    // A lone `{` just before would make `{{{`, read as `{{` + `{`: it goes
                    // into the string literal instead.
                    let brace = if lone_brace && out.pop().is_some() {
                        "{"
                    } else {
                        ""
                    };
                    out.push_str(&format!("{{{{\"{brace}{run}{special}\"}}}}"));
                    i = run_end + special.chars().count();
                }
                None => {
                    out.extend(&chars[i..run_end]);
                    i = run_end;
                }
            }
            lone_brace = false;
            continue;
        }
        match special_at(&chars, i) {
            Some(special @ ("{{" | "[~")) => {
                out.push('\\');
                out.push_str(special);
                i += 2;
                lone_brace = false;
            }
            _ => {
                out.push(chars[i]);
                lone_brace = chars[i] == '{';
                i += 1;
            }
        }
    }
    out
}
