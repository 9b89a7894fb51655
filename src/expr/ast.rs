//! Syntax tree of an expression. Operator chains of one precedence level are kept flat (a
//! first operand plus `(operator, operand)` pairs) so long chains never make the tree deep.

use super::value::Value;

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Node {
    pub kind: Kind,
    /// Character offset of the node's first character.
    pub pos: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Kind {
    /// Int, Float, Bool or Str literal.
    Lit(Value),
    List(Vec<Node>),
    /// A reference; the first segment is always `Seg::Key(name)`.
    Ref(Vec<Seg>),
    Call {
        name: String,
        args: Vec<Node>,
        /// `f(x)[0]`, `f(x).key`
        suffix: Vec<Seg>,
    },
    Neg(Box<Node>),
    Pos(Box<Node>),
    Not(Box<Node>),
    /// `a ^ b` (never chained).
    Pow(Box<Node>, Box<Node>),
    /// Left-associative chain of one precedence level: `or`, `and`, `+ -`, `* / // %`, `..`.
    Chain(Box<Node>, Vec<(BinOp, Node)>),
    /// Python-style comparison chain: `a < b <= c` means `a < b and b <= c`.
    Compare(Box<Node>, Vec<(CmpOp, Node)>),
}

/// One component of a reference path.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Seg {
    /// `name` or `.name` or `.12` (digits as written).
    Key(String),
    /// `.*`
    All,
    /// `[expr]`
    Index(Box<Node>),
    /// `[a:b]`
    Slice(Option<Box<Node>>, Option<Box<Node>>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BinOp {
    Or,
    And,
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Concat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

impl Node {
    /// Calls `f` on every reference path in the tree, in source order (a reference's own
    /// index expressions come after the reference itself).
    pub fn visit_refs<'a>(&'a self, f: &mut dyn FnMut(&'a [Seg], usize)) {
        match &self.kind {
            Kind::Lit(_) => {}
            Kind::List(items) => items.iter().for_each(|n| n.visit_refs(f)),
            Kind::Ref(segs) => {
                f(segs, self.pos);
                visit_seg_refs(segs, f);
            }
            Kind::Call { args, suffix, .. } => {
                args.iter().for_each(|n| n.visit_refs(f));
                visit_seg_refs(suffix, f);
            }
            Kind::Neg(inner) | Kind::Pos(inner) | Kind::Not(inner) => inner.visit_refs(f),
            Kind::Pow(a, b) => {
                a.visit_refs(f);
                b.visit_refs(f);
            }
            Kind::Chain(first, rest) => {
                first.visit_refs(f);
                rest.iter().for_each(|(_, n)| n.visit_refs(f));
            }
            Kind::Compare(first, rest) => {
                first.visit_refs(f);
                rest.iter().for_each(|(_, n)| n.visit_refs(f));
            }
        }
    }
}

fn visit_seg_refs<'a>(segs: &'a [Seg], f: &mut dyn FnMut(&'a [Seg], usize)) {
    for seg in segs {
        match seg {
            Seg::Index(n) => n.visit_refs(f),
            Seg::Slice(a, b) => {
                if let Some(a) = a {
                    a.visit_refs(f);
                }
                if let Some(b) = b {
                    b.visit_refs(f);
                }
            }
            Seg::Key(_) | Seg::All => {}
        }
    }
}
