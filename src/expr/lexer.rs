//! Tokenizer for expression text (§7.2). Positions are character offsets, shifted by the
//! offset of the expression inside its template so errors point into the original string.

use super::error::ExprError;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    /// Digits as written (kept as text so `table.01` can look up the key `"01"`).
    Int(String),
    Float(f64),
    /// A raw string literal's content, backslashes kept.
    Str(String),
    Name(String),
    True,
    False,
    And,
    Or,
    Not,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    DotDot,
    Colon,
    Plus,
    Minus,
    Star,
    Slash,
    SlashSlash,
    Percent,
    Caret,
    EqEq,
    NotEq,
    Lt,
    Gt,
    Le,
    Ge,
    End,
}

impl Tok {
    /// How the token reads in an error message.
    pub fn describe(&self) -> String {
        match self {
            Tok::Int(s) => format!("number {s}"),
            Tok::Float(f) => format!("number {}", super::pyfloat::float_repr(*f)),
            Tok::Str(s) => format!("string \"{s}\""),
            Tok::Name(n) => format!("name '{n}'"),
            Tok::True => "'True'".into(),
            Tok::False => "'False'".into(),
            Tok::And => "'and'".into(),
            Tok::Or => "'or'".into(),
            Tok::Not => "'not'".into(),
            Tok::LParen => "'('".into(),
            Tok::RParen => "')'".into(),
            Tok::LBracket => "'['".into(),
            Tok::RBracket => "']'".into(),
            Tok::Comma => "','".into(),
            Tok::Dot => "'.'".into(),
            Tok::DotDot => "'..'".into(),
            Tok::Colon => "':'".into(),
            Tok::Plus => "'+'".into(),
            Tok::Minus => "'-'".into(),
            Tok::Star => "'*'".into(),
            Tok::Slash => "'/'".into(),
            Tok::SlashSlash => "'//'".into(),
            Tok::Percent => "'%'".into(),
            Tok::Caret => "'^'".into(),
            Tok::EqEq => "'=='".into(),
            Tok::NotEq => "'!='".into(),
            Tok::Lt => "'<'".into(),
            Tok::Gt => "'>'".into(),
            Tok::Le => "'<='".into(),
            Tok::Ge => "'>='".into(),
            Tok::End => "the end of the expression".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Token {
    pub tok: Tok,
    /// Character offset of the first character (absolute, see module doc).
    pub pos: usize,
}

/// Finds the end of a string literal starting at `chars[start] == '"'`: the index just past
/// the closing quote. A backslash always takes the next character with it (raw strings keep
/// it), so `\"` does not end the string.
pub(super) fn string_end(chars: &[char], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Tokenizes `chars`; `base` is added to every position. The result always ends with `End`.
pub(super) fn lex(chars: &[char], base: usize) -> Result<Vec<Token>, ExprError> {
    let mut tokens: Vec<Token> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let pos = base + i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let next = chars.get(i + 1).copied();
        let push = |tokens: &mut Vec<Token>, tok: Tok| tokens.push(Token { tok, pos });
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            // After a '.', digits are a reference component (`name.1.2`), never a float.
            let after_dot = matches!(tokens.last(), Some(Token { tok: Tok::Dot, .. }));
            let is_float = !after_dot
                && chars.get(i) == Some(&'.')
                && chars.get(i + 1).is_some_and(char::is_ascii_digit);
            if is_float {
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                let value = text
                    .parse::<f64>()
                    .map_err(|_| ExprError::at(format!("invalid number '{text}'"), pos))?;
                push(&mut tokens, Tok::Float(value));
            } else {
                push(&mut tokens, Tok::Int(chars[start..i].iter().collect()));
            }
            continue;
        }
        if is_name_start(c) {
            let start = i;
            while i < chars.len() && is_name_char(chars[i]) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let tok = match word.as_str() {
                "True" => Tok::True,
                "False" => Tok::False,
                "and" => Tok::And,
                "or" => Tok::Or,
                "not" => Tok::Not,
                _ => Tok::Name(word),
            };
            push(&mut tokens, tok);
            continue;
        }
        if c == '"' {
            let end = string_end(chars, i)
                .ok_or_else(|| ExprError::at("unterminated string literal", pos))?;
            push(
                &mut tokens,
                Tok::Str(chars[i + 1..end - 1].iter().collect()),
            );
            i = end;
            continue;
        }
        let (tok, len) = match (c, next) {
            ('.', Some('.')) => (Tok::DotDot, 2),
            ('/', Some('/')) => (Tok::SlashSlash, 2),
            ('=', Some('=')) => (Tok::EqEq, 2),
            ('!', Some('=')) => (Tok::NotEq, 2),
            ('<', Some('=')) => (Tok::Le, 2),
            ('>', Some('=')) => (Tok::Ge, 2),
            ('.', _) => (Tok::Dot, 1),
            ('(', _) => (Tok::LParen, 1),
            (')', _) => (Tok::RParen, 1),
            ('[', _) => (Tok::LBracket, 1),
            (']', _) => (Tok::RBracket, 1),
            (',', _) => (Tok::Comma, 1),
            (':', _) => (Tok::Colon, 1),
            ('+', _) => (Tok::Plus, 1),
            ('-', _) => (Tok::Minus, 1),
            ('*', _) => (Tok::Star, 1),
            ('/', _) => (Tok::Slash, 1),
            ('%', _) => (Tok::Percent, 1),
            ('^', _) => (Tok::Caret, 1),
            ('<', _) => (Tok::Lt, 1),
            ('>', _) => (Tok::Gt, 1),
            ('=', _) => {
                return Err(ExprError::at("unexpected '=' (comparison is '==')", pos));
            }
            _ => return Err(ExprError::at(format!("unexpected character '{c}'"), pos)),
        };
        push(&mut tokens, tok);
        i += len;
    }
    tokens.push(Token {
        tok: Tok::End,
        pos: base + chars.len(),
    });
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<Tok> {
        let chars: Vec<char> = text.chars().collect();
        lex(&chars, 0).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn numbers_names_and_operators() {
        assert_eq!(
            toks("1.5 + x.2.sub // 3"),
            vec![
                Tok::Float(1.5),
                Tok::Plus,
                Tok::Name("x".into()),
                Tok::Dot,
                Tok::Int("2".into()),
                Tok::Dot,
                Tok::Name("sub".into()),
                Tok::SlashSlash,
                Tok::Int("3".into()),
                Tok::End
            ]
        );
        assert_eq!(
            toks("a.1.2"),
            vec![
                Tok::Name("a".into()),
                Tok::Dot,
                Tok::Int("1".into()),
                Tok::Dot,
                Tok::Int("2".into()),
                Tok::End
            ]
        );
        assert_eq!(
            toks("1..2"),
            vec![
                Tok::Int("1".into()),
                Tok::DotDot,
                Tok::Int("2".into()),
                Tok::End
            ]
        );
        assert_eq!(
            toks("not notx and_ True"),
            vec![
                Tok::Not,
                Tok::Name("notx".into()),
                Tok::Name("and_".into()),
                Tok::True,
                Tok::End
            ]
        );
        assert_eq!(
            toks("<= >= < > == !="),
            vec![
                Tok::Le,
                Tok::Ge,
                Tok::Lt,
                Tok::Gt,
                Tok::EqEq,
                Tok::NotEq,
                Tok::End
            ]
        );
    }

    #[test]
    fn raw_strings_keep_backslashes() {
        assert_eq!(
            toks(r#""a\"b""#),
            vec![Tok::Str(r#"a\"b"#.into()), Tok::End]
        );
        assert_eq!(
            toks(r#""\d+\\""#),
            vec![Tok::Str(r"\d+\\".into()), Tok::End]
        );
    }

    #[test]
    fn errors_carry_offsets() {
        let chars: Vec<char> = "1 + \"abc".chars().collect();
        assert_eq!(
            lex(&chars, 10).unwrap_err(),
            ExprError::at("unterminated string literal", 14)
        );
        let chars: Vec<char> = "a = b".chars().collect();
        assert_eq!(lex(&chars, 0).unwrap_err().offset, Some(2));
        let chars: Vec<char> = "a ; b".chars().collect();
        assert_eq!(
            lex(&chars, 0).unwrap_err().message,
            "unexpected character ';'"
        );
    }
}
