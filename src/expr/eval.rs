//! Evaluation of parsed expressions against a [`Resolver`], and the bare-expression API used by
//! result evaluations ([`Expression`], [`eval_expr`]).

use super::ast::{BinOp, Kind, Node, Seg};
use super::error::ExprError;
use super::functions;
use super::ops;
use super::parser;
use super::refs::{comps_of_segs, navigate, RefPart, Resolver, VarRef};
use super::value::Value;

/// A parsed bare expression (no `{{ }}`), e.g. a `result_evaluate` value.
#[derive(Debug, Clone, PartialEq)]
pub struct Expression {
    source: String,
    root: Option<Node>,
}

impl Expression {
    /// Parses expression text. Error offsets are character offsets into `text`.
    pub fn parse(text: &str) -> Result<Expression, ExprError> {
        let chars: Vec<char> = text.chars().collect();
        Ok(Expression {
            source: text.to_string(),
            root: parser::parse(&chars, 0)?,
        })
    }

    /// The text this expression was parsed from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Evaluates the expression; an empty expression gives `""`.
    pub fn eval(&self, vars: &dyn Resolver) -> Result<Value, ExprError> {
        match &self.root {
            Some(node) => eval_node(node, vars),
            None => Ok(Value::Str(String::new())),
        }
    }

    /// Every reference that can be read as a §6.3 variable reference, deduplicated, in order
    /// of first appearance. Paths with more parts (valid only in result evaluations) are
    /// left out; use [`Expression::root_names`] for those.
    pub fn refs(&self) -> Vec<VarRef> {
        let mut out: Vec<VarRef> = Vec::new();
        if let Some(root) = &self.root {
            root.visit_refs(&mut |segs, _| {
                if let Ok(r) = VarRef::classify(&comps_of_segs(segs)) {
                    if !out.contains(&r) {
                        out.push(r);
                    }
                }
            });
        }
        out
    }

    /// The first component of every reference (`table` for `table.*.speed`), deduplicated, in
    /// order of first appearance: what result evaluation keys depend on.
    pub fn root_names(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        if let Some(root) = &self.root {
            root.visit_refs(&mut |segs, _| {
                if let Some(Seg::Key(name)) = segs.first() {
                    if !out.contains(name) {
                        out.push(name.clone());
                    }
                }
            });
        }
        out
    }

    pub(super) fn from_node(source: String, root: Option<Node>) -> Expression {
        Expression { source, root }
    }

    pub(super) fn root(&self) -> Option<&Node> {
        self.root.as_ref()
    }
}

/// Parses and evaluates a bare expression text (`result_evaluate` values and the like).
pub fn eval_expr(text: &str, vars: &dyn Resolver) -> Result<Value, ExprError> {
    Expression::parse(text)?.eval(vars)
}

/// An index or slice bound: an integer after auto-typing (bools count as 0/1).
fn index_value(node: &Node, vars: &dyn Resolver) -> Result<i64, ExprError> {
    let value = eval_node(node, vars)?;
    match value.auto_typed() {
        Value::Int(i) => Ok(i),
        Value::Bool(b) => Ok(i64::from(b)),
        _ => Err(ExprError::at(
            format!(
                "an index must be an integer, got {} {}",
                value.type_name(),
                value.describe()
            ),
            node.pos,
        )),
    }
}

fn eval_segs(segs: &[Seg], vars: &dyn Resolver) -> Result<Vec<RefPart>, ExprError> {
    segs.iter()
        .map(|seg| {
            Ok(match seg {
                Seg::Key(k) => RefPart::Key(k.clone()),
                Seg::All => RefPart::All,
                Seg::Index(node) => RefPart::Index(index_value(node, vars)?),
                Seg::Slice(a, b) => {
                    let bound = |n: &Option<Box<Node>>| {
                        n.as_ref().map(|n| index_value(n, vars)).transpose()
                    };
                    RefPart::Slice(bound(a)?, bound(b)?)
                }
            })
        })
        .collect()
}

fn apply_binop(op: BinOp, a: &Value, b: &Value) -> Result<Value, ExprError> {
    match op {
        BinOp::And | BinOp::Or => ops::logic(op, a, b),
        BinOp::Concat => ops::concat(a, b),
        _ => ops::arith(op, a, b),
    }
}

/// Evaluates a node; errors without a position get the node's position.
pub(super) fn eval_node(node: &Node, vars: &dyn Resolver) -> Result<Value, ExprError> {
    let at = |e: ExprError| e.or_at(node.pos);
    match &node.kind {
        Kind::Lit(value) => Ok(value.clone()),
        Kind::List(items) => items
            .iter()
            .map(|n| eval_node(n, vars))
            .collect::<Result<_, _>>()
            .map(Value::List),
        Kind::Ref(segs) => {
            let parts = eval_segs(segs, vars)?;
            vars.resolve(&parts).map_err(at)
        }
        Kind::Call { name, args, suffix } => {
            let values = args
                .iter()
                .map(|n| eval_node(n, vars))
                .collect::<Result<Vec<_>, _>>()?;
            let result = functions::call(name, &values).map_err(at)?;
            if suffix.is_empty() {
                return Ok(result);
            }
            let parts = eval_segs(suffix, vars)?;
            navigate(&result, &parts, &format!("{name}()"), false, false).map_err(at)
        }
        Kind::Neg(inner) => ops::unary(&eval_node(inner, vars)?, true).map_err(at),
        Kind::Pos(inner) => ops::unary(&eval_node(inner, vars)?, false).map_err(at),
        Kind::Not(inner) => Ok(Value::Bool(!ops::truth(&eval_node(inner, vars)?))),
        Kind::Pow(base, exp) => {
            let b = eval_node(base, vars)?;
            let e = eval_node(exp, vars)?;
            ops::power(&b, &e).map_err(|err| err.or_at(exp.pos))
        }
        Kind::Chain(first, rest) => {
            let mut acc = eval_node(first, vars)?;
            for (op, operand) in rest {
                let value = eval_node(operand, vars)?;
                acc = apply_binop(*op, &acc, &value).map_err(|e| e.or_at(operand.pos))?;
            }
            Ok(acc)
        }
        Kind::Compare(first, rest) => {
            let mut left = eval_node(first, vars)?;
            let mut acc: Option<Value> = None;
            for (op, operand) in rest {
                let right = eval_node(operand, vars)?;
                let result = ops::compare(*op, &left, &right).map_err(|e| e.or_at(operand.pos))?;
                acc = Some(match acc {
                    None => result,
                    Some(prev) => {
                        ops::logic(BinOp::And, &prev, &result).map_err(|e| e.or_at(operand.pos))?
                    }
                });
                left = right;
            }
            Ok(acc.unwrap_or(left))
        }
    }
}
