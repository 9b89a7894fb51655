//! Recursive-descent parser for the expression grammar of §7.2.
//!
//! Nesting (parentheses, lists, unary operators, call arguments, indexes) is limited to
//! [`MAX_DEPTH`] levels so hostile input cannot overflow the stack; chains of binary operators
//! are parsed iteratively and do not count.

use super::ast::{BinOp, CmpOp, Kind, Node, Seg};
use super::error::ExprError;
use super::functions;
use super::lexer::{lex, Tok, Token};
use super::value::Value;

/// Deepest nesting accepted.
pub(super) const MAX_DEPTH: usize = 64;

/// Parses expression text (`chars`, positioned at `base` in its source). An empty (or
/// all-whitespace) expression gives `None`.
pub(super) fn parse(chars: &[char], base: usize) -> Result<Option<Node>, ExprError> {
    let tokens = lex(chars, base)?;
    let mut parser = Parser {
        tokens: &tokens,
        i: 0,
        depth: 0,
    };
    if parser.peek() == &Tok::End {
        return Ok(None);
    }
    let node = parser.expr()?;
    match parser.peek() {
        Tok::End => Ok(Some(node)),
        Tok::Caret => Err(parser
            .error_here("only one '^' is allowed per level; use parentheses, e.g. (a ^ b) ^ c")),
        Tok::Not => {
            Err(parser
                .error_here("'not' must start an operand; use parentheses, e.g. a and (not b)"))
        }
        other => {
            let message = format!("unexpected {}", other.describe());
            Err(parser.error_here(message))
        }
    }
}

struct Parser<'t> {
    tokens: &'t [Token],
    i: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        // The token list always ends with `End`, and `i` never moves past it.
        self.tokens.get(self.i).map(|t| &t.tok).unwrap_or(&Tok::End)
    }

    fn pos(&self) -> usize {
        self.tokens
            .get(self.i)
            .or(self.tokens.last())
            .map(|t| t.pos)
            .unwrap_or(0)
    }

    fn advance(&mut self) -> Tok {
        let tok = self.peek().clone();
        if self.i + 1 < self.tokens.len() {
            self.i += 1;
        }
        tok
    }

    fn error_here(&self, message: impl Into<String>) -> ExprError {
        ExprError::at(message, self.pos())
    }

    fn expect(&mut self, want: Tok, what: &str) -> Result<(), ExprError> {
        if *self.peek() == want {
            self.advance();
            Ok(())
        } else {
            let message = format!("expected {what}, found {}", self.peek().describe());
            Err(self.error_here(message))
        }
    }

    /// Runs `f` one nesting level deeper.
    fn nested<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, ExprError>,
    ) -> Result<T, ExprError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error_here(format!(
                "expression is nested too deeply (more than {MAX_DEPTH} levels)"
            )));
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    fn expr(&mut self) -> Result<Node, ExprError> {
        self.nested(Self::or_e)
    }

    /// Parses `operand (op operand)*` for one left-associative level.
    fn chain(
        &mut self,
        operand: fn(&mut Self) -> Result<Node, ExprError>,
        op_of: fn(&Tok) -> Option<BinOp>,
    ) -> Result<Node, ExprError> {
        let first = operand(self)?;
        let mut rest = Vec::new();
        while let Some(op) = op_of(self.peek()) {
            self.advance();
            rest.push((op, operand(self)?));
        }
        if rest.is_empty() {
            return Ok(first);
        }
        let pos = first.pos;
        Ok(Node {
            kind: Kind::Chain(Box::new(first), rest),
            pos,
        })
    }

    fn or_e(&mut self) -> Result<Node, ExprError> {
        self.chain(Self::and_e, |t| (*t == Tok::Or).then_some(BinOp::Or))
    }

    fn and_e(&mut self) -> Result<Node, ExprError> {
        self.chain(Self::not_e, |t| (*t == Tok::And).then_some(BinOp::And))
    }

    fn not_e(&mut self) -> Result<Node, ExprError> {
        if *self.peek() != Tok::Not {
            return self.cmp_e();
        }
        let pos = self.pos();
        self.advance();
        if *self.peek() == Tok::Not {
            return Err(self.error_here("only a single 'not' is allowed; use parentheses"));
        }
        let inner = self.cmp_e()?;
        Ok(Node {
            kind: Kind::Not(Box::new(inner)),
            pos,
        })
    }

    fn cmp_e(&mut self) -> Result<Node, ExprError> {
        let first = self.add_e()?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek() {
                Tok::EqEq => CmpOp::Eq,
                Tok::NotEq => CmpOp::Ne,
                Tok::Lt => CmpOp::Lt,
                Tok::Gt => CmpOp::Gt,
                Tok::Le => CmpOp::Le,
                Tok::Ge => CmpOp::Ge,
                _ => break,
            };
            self.advance();
            rest.push((op, self.add_e()?));
        }
        if rest.is_empty() {
            return Ok(first);
        }
        let pos = first.pos;
        Ok(Node {
            kind: Kind::Compare(Box::new(first), rest),
            pos,
        })
    }

    fn add_e(&mut self) -> Result<Node, ExprError> {
        self.chain(Self::mul_e, |t| match t {
            Tok::Plus => Some(BinOp::Add),
            Tok::Minus => Some(BinOp::Sub),
            _ => None,
        })
    }

    fn mul_e(&mut self) -> Result<Node, ExprError> {
        self.chain(Self::pow_e, |t| match t {
            Tok::Star => Some(BinOp::Mul),
            Tok::Slash => Some(BinOp::Div),
            Tok::SlashSlash => Some(BinOp::FloorDiv),
            Tok::Percent => Some(BinOp::Mod),
            _ => None,
        })
    }

    fn pow_e(&mut self) -> Result<Node, ExprError> {
        let base = self.cat_e()?;
        if *self.peek() != Tok::Caret {
            return Ok(base);
        }
        self.advance();
        let exponent = self.cat_e()?;
        if *self.peek() == Tok::Caret {
            return Err(self.error_here(
                "only one '^' is allowed per level; use parentheses, e.g. (a ^ b) ^ c",
            ));
        }
        let pos = base.pos;
        Ok(Node {
            kind: Kind::Pow(Box::new(base), Box::new(exponent)),
            pos,
        })
    }

    fn cat_e(&mut self) -> Result<Node, ExprError> {
        self.chain(Self::primary, |t| {
            (*t == Tok::DotDot).then_some(BinOp::Concat)
        })
    }

    fn primary(&mut self) -> Result<Node, ExprError> {
        let pos = self.pos();
        let lit = |value| Node {
            kind: Kind::Lit(value),
            pos,
        };
        match self.peek().clone() {
            Tok::Int(digits) => {
                self.advance();
                let value = digits.parse::<i64>().map_err(|_| {
                    ExprError::at(
                        format!("integer {digits} is too large (64-bit integers)"),
                        pos,
                    )
                })?;
                Ok(lit(Value::Int(value)))
            }
            Tok::Float(f) => {
                self.advance();
                Ok(lit(Value::Float(f)))
            }
            Tok::True => {
                self.advance();
                Ok(lit(Value::Bool(true)))
            }
            Tok::False => {
                self.advance();
                Ok(lit(Value::Bool(false)))
            }
            Tok::Str(s) => {
                self.advance();
                Ok(lit(Value::Str(s)))
            }
            Tok::Minus | Tok::Plus => {
                let negative = self.advance() == Tok::Minus;
                let inner = Box::new(self.nested(Self::primary)?);
                let kind = if negative {
                    Kind::Neg(inner)
                } else {
                    Kind::Pos(inner)
                };
                Ok(Node { kind, pos })
            }
            Tok::LParen => {
                self.advance();
                let inner = self.expr()?;
                self.expect(Tok::RParen, "')'")?;
                Ok(inner)
            }
            Tok::LBracket => self.list(),
            Tok::Name(name) => {
                self.advance();
                if *self.peek() == Tok::LParen {
                    self.call(name, pos)
                } else {
                    let mut segs = vec![Seg::Key(name)];
                    self.path(&mut segs, true)?;
                    Ok(Node {
                        kind: Kind::Ref(segs),
                        pos,
                    })
                }
            }
            other => Err(self.error_here(format!("expected a value, found {}", other.describe()))),
        }
    }

    fn list(&mut self) -> Result<Node, ExprError> {
        let pos = self.pos();
        self.advance();
        let mut items = Vec::new();
        while *self.peek() != Tok::RBracket {
            items.push(self.expr()?);
            if *self.peek() == Tok::Comma {
                self.advance();
            } else {
                break;
            }
        }
        self.expect(Tok::RBracket, "',' or ']'")?;
        Ok(Node {
            kind: Kind::List(items),
            pos,
        })
    }

    fn call(&mut self, name: String, pos: usize) -> Result<Node, ExprError> {
        let Some((min, max)) = functions::arity(&name) else {
            return Err(ExprError::at(format!("no function named '{name}'"), pos));
        };
        self.advance(); // '('
        let mut args = Vec::new();
        if *self.peek() != Tok::RParen {
            loop {
                args.push(self.expr()?);
                if *self.peek() == Tok::Comma {
                    self.advance();
                } else {
                    break;
                }
            }
        }
        self.expect(Tok::RParen, "',' or ')'")?;
        if args.len() < min || args.len() > max {
            return Err(ExprError::at(
                functions::arity_message(&name, min, max, args.len()),
                pos,
            ));
        }
        let mut suffix = Vec::new();
        self.path(&mut suffix, true)?;
        Ok(Node {
            kind: Kind::Call { name, args, suffix },
            pos,
        })
    }

    /// Parses `[slice]? ("." key)*` after a name or call, appending to `segs`.
    fn path(&mut self, segs: &mut Vec<Seg>, allow_bracket: bool) -> Result<(), ExprError> {
        if allow_bracket && *self.peek() == Tok::LBracket {
            segs.push(self.nested(Self::bracket)?);
        }
        while *self.peek() == Tok::Dot {
            self.advance();
            match self.peek().clone() {
                Tok::Name(key) => {
                    self.advance();
                    segs.push(Seg::Key(key));
                    if *self.peek() == Tok::LBracket {
                        segs.push(self.nested(Self::bracket)?);
                    }
                }
                Tok::Int(digits) => {
                    self.advance();
                    segs.push(Seg::Key(digits));
                }
                Tok::Star => {
                    self.advance();
                    segs.push(Seg::All);
                }
                other => {
                    return Err(self.error_here(format!(
                        "expected a name, an index or '*' after '.', found {}",
                        other.describe()
                    )))
                }
            }
        }
        Ok(())
    }

    /// `[expr]`, `[a:b]`, `[:b]`, `[a:]`, `[:]`.
    fn bracket(&mut self) -> Result<Seg, ExprError> {
        self.advance(); // '['
        if *self.peek() == Tok::RBracket {
            return Err(self.error_here("an index or slice must not be empty"));
        }
        let start = if *self.peek() == Tok::Colon {
            None
        } else {
            Some(Box::new(self.expr()?))
        };
        if *self.peek() != Tok::Colon {
            self.expect(Tok::RBracket, "']'")?;
            return match start {
                Some(index) => Ok(Seg::Index(index)),
                None => Err(self.error_here("an index or slice must not be empty")),
            };
        }
        self.advance(); // ':'
        let end = if *self.peek() == Tok::RBracket {
            None
        } else {
            Some(Box::new(self.expr()?))
        };
        self.expect(Tok::RBracket, "']'")?;
        Ok(Seg::Slice(start, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Option<Node>, ExprError> {
        let chars: Vec<char> = text.chars().collect();
        parse(&chars, 0)
    }

    fn err(text: &str) -> ExprError {
        parse_str(text).unwrap_err()
    }

    #[test]
    fn empty_expression_is_none() {
        assert_eq!(parse_str("   ").unwrap(), None);
        assert_eq!(parse_str("").unwrap(), None);
    }

    #[test]
    fn unary_binds_tighter_than_power() {
        let node = parse_str("-2^2").unwrap().unwrap();
        let Kind::Pow(base, _) = node.kind else {
            panic!("not a power: {node:?}")
        };
        assert!(matches!(base.kind, Kind::Neg(_)));
    }

    #[test]
    fn reference_paths() {
        let node = parse_str("sys.hosts[-1].name").unwrap().unwrap();
        let Kind::Ref(segs) = node.kind else {
            panic!("not a ref")
        };
        assert_eq!(segs.len(), 4);
        assert_eq!(segs[0], Seg::Key("sys".into()));
        assert_eq!(segs[1], Seg::Key("hosts".into()));
        assert!(matches!(segs[2], Seg::Index(_)));
        assert_eq!(segs[3], Seg::Key("name".into()));
        let node = parse_str("a.*.b").unwrap().unwrap();
        assert_eq!(
            node.kind,
            Kind::Ref(vec![Seg::Key("a".into()), Seg::All, Seg::Key("b".into())])
        );
        let node = parse_str("t.01").unwrap().unwrap();
        assert_eq!(
            node.kind,
            Kind::Ref(vec![Seg::Key("t".into()), Seg::Key("01".into())])
        );
    }

    #[test]
    fn syntax_errors_point_at_the_problem() {
        assert_eq!(err("2 ^ 3 ^ 4").offset, Some(6));
        assert!(err("2 ^ 3 ^ 4").message.contains("only one '^'"));
        assert_eq!(err("not not x").offset, Some(4));
        assert_eq!(
            err("(1 + 2").message,
            "expected ')', found the end of the expression"
        );
        assert_eq!(err("(1 + 2").offset, Some(6));
        assert_eq!(err("x[]").message, "an index or slice must not be empty");
        assert_eq!(err("1 +").offset, Some(3));
        assert_eq!(err("nosuch(1)").message, "no function named 'nosuch'");
        assert!(err("len(1, 2)").message.contains("len"));
        assert_eq!(
            err("99999999999999999999").message,
            "integer 99999999999999999999 is too large (64-bit integers)"
        );
        assert_eq!(err("a.(b)").offset, Some(2));
        assert_eq!(err("1 2").message, "unexpected number 2");
    }

    #[test]
    fn nesting_is_limited() {
        let deep = format!("{}1{}", "(".repeat(200), ")".repeat(200));
        assert!(err(&deep).message.contains("nested too deeply"));
        let ok = format!("{}1{}", "(".repeat(30), ")".repeat(30));
        assert!(parse_str(&ok).is_ok());
        let minus = format!("{}1", "-".repeat(500));
        assert!(err(&minus).message.contains("nested too deeply"));
        let long_chain = vec!["1"; 5000].join(" + ");
        assert!(parse_str(&long_chain).is_ok());
    }

    #[test]
    fn lists_allow_a_trailing_comma() {
        let node = parse_str("[1, 2,]").unwrap().unwrap();
        let Kind::List(items) = node.kind else {
            panic!("not a list")
        };
        assert_eq!(items.len(), 2);
        assert!(parse_str("[,]").is_err());
    }
}
