//! Parsing of Python's format-spec mini-language (§7.4):
//! `[[fill]align][sign][#][0][width][grouping][.precision][type]`.

use super::error::ExprError;

/// Widths and precisions above this are rejected so a typo cannot allocate gigabytes.
pub(super) const MAX_WIDTH: usize = 10_000;

const ALIGNS: [char; 4] = ['<', '>', '=', '^'];
const TYPES: &str = "bcdeEfFgGnosxX%";

/// A parsed format spec. Formatting is in `format.rs` ([`FormatSpec::apply`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatSpec {
    /// The spec as written (without the leading `:`).
    pub source: String,
    pub fill: Option<char>,
    pub align: Option<char>,
    pub sign: Option<char>,
    pub alternate: bool,
    /// The `0` flag: zero padding after the sign.
    pub zero: bool,
    pub width: Option<usize>,
    pub grouping: Option<char>,
    pub precision: Option<usize>,
    pub kind: Option<char>,
}

impl FormatSpec {
    /// Parses a spec. Error offsets are character offsets into `text`.
    pub fn parse(text: &str) -> Result<FormatSpec, ExprError> {
        let chars: Vec<char> = text.chars().collect();
        let fail = |reason: &str, at: usize| {
            ExprError::at(format!("invalid format spec '{text}': {reason}"), at)
        };
        let mut spec = FormatSpec {
            source: text.to_string(),
            fill: None,
            align: None,
            sign: None,
            alternate: false,
            zero: false,
            width: None,
            grouping: None,
            precision: None,
            kind: None,
        };
        let mut i = 0;
        if chars.len() >= 2 && ALIGNS.contains(&chars[1]) {
            spec.fill = Some(chars[0]);
            spec.align = Some(chars[1]);
            i = 2;
        } else if chars.first().is_some_and(|c| ALIGNS.contains(c)) {
            spec.align = Some(chars[0]);
            i = 1;
        }
        if let Some(&c) = chars.get(i).filter(|c| matches!(c, '+' | '-' | ' ')) {
            spec.sign = Some(c);
            i += 1;
        }
        if chars.get(i) == Some(&'#') {
            spec.alternate = true;
            i += 1;
        }
        if chars.get(i) == Some(&'0') {
            spec.zero = true;
            i += 1;
        }
        let number = |i: &mut usize| -> Result<Option<usize>, ExprError> {
            let start = *i;
            while chars.get(*i).is_some_and(char::is_ascii_digit) {
                *i += 1;
            }
            if *i == start {
                return Ok(None);
            }
            let digits: String = chars[start..*i].iter().collect();
            match digits.parse::<usize>() {
                Ok(n) if n <= MAX_WIDTH => Ok(Some(n)),
                _ => Err(fail(
                    &format!("{digits} is too large (at most {MAX_WIDTH})"),
                    start,
                )),
            }
        };
        spec.width = number(&mut i)?;
        if let Some(&c) = chars.get(i).filter(|c| matches!(c, ',' | '_')) {
            spec.grouping = Some(c);
            i += 1;
            if let Some(&d) = chars.get(i).filter(|c| matches!(c, ',' | '_')) {
                let reason = if c == d {
                    format!("cannot specify '{c}' twice")
                } else {
                    "cannot specify both ',' and '_'".to_string()
                };
                return Err(fail(&reason, i));
            }
        }
        if chars.get(i) == Some(&'.') {
            i += 1;
            spec.precision = number(&mut i)?;
            if spec.precision.is_none() {
                return Err(fail("missing precision after '.'", i));
            }
        }
        match chars.len() - i {
            0 => {}
            1 if TYPES.contains(chars[i]) => spec.kind = Some(chars[i]),
            1 => return Err(fail(&format!("unknown format type '{}'", chars[i]), i)),
            _ => return Err(fail("unexpected text", i)),
        }
        Ok(spec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_field() {
        let spec = FormatSpec::parse("*^+#012,.3f").unwrap();
        assert_eq!(spec.fill, Some('*'));
        assert_eq!(spec.align, Some('^'));
        assert_eq!(spec.sign, Some('+'));
        assert!(spec.alternate);
        assert!(spec.zero);
        assert_eq!(spec.width, Some(12));
        assert_eq!(spec.grouping, Some(','));
        assert_eq!(spec.precision, Some(3));
        assert_eq!(spec.kind, Some('f'));
        let spec = FormatSpec::parse(">5").unwrap();
        assert_eq!(
            (spec.fill, spec.align, spec.width),
            (None, Some('>'), Some(5))
        );
        let spec = FormatSpec::parse("<").unwrap();
        assert_eq!(spec.align, Some('<'));
        let spec = FormatSpec::parse("<<").unwrap();
        assert_eq!((spec.fill, spec.align), (Some('<'), Some('<')));
        assert_eq!(FormatSpec::parse("").unwrap().kind, None);
    }

    #[test]
    fn rejects_malformed_specs() {
        assert_eq!(
            FormatSpec::parse("5.f").unwrap_err(),
            ExprError::at("invalid format spec '5.f': missing precision after '.'", 2)
        );
        assert!(FormatSpec::parse("q")
            .unwrap_err()
            .message
            .contains("unknown format type 'q'"));
        assert!(FormatSpec::parse("dd")
            .unwrap_err()
            .message
            .contains("unexpected text"));
        assert!(FormatSpec::parse(",_d")
            .unwrap_err()
            .message
            .contains("both"));
        assert!(FormatSpec::parse("99999999999")
            .unwrap_err()
            .message
            .contains("too large"));
        assert!(FormatSpec::parse(" 5 ").is_err());
    }
}
