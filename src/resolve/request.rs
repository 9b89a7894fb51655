//! Test requests (CONFIG.md §2.1): `[N*]suite[.test[.subtitle]][*N]`, or a path to a suite file.

/// One parsed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub suite: String,
    pub test: Option<String>,
    pub subtitle: Option<String>,
    pub repeat: u32,
}

fn valid(s: &str, extra: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || extra.contains(c))
}

/// Parses a request; a string naming an existing `.yaml`/`.yml` file is a suite path.
pub fn parse(req: &str) -> Result<Request, String> {
    let s = req.trim();
    let (mut body, mut repeat) = (s, None);
    if let Some((n, rest)) = s.split_once('*') {
        let n = n.trim();
        if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) {
            repeat = Some(n.to_string());
            body = rest.trim();
        }
    }
    if let Some((rest, n)) = body.rsplit_once('*') {
        let n = n.trim();
        if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) {
            if repeat.is_some() {
                return Err(format!(
                    "request '{req}' gives a repeat count on both sides"
                ));
            }
            repeat = Some(n.to_string());
            body = rest.trim();
        }
    }
    let repeat = match repeat {
        Some(n) => n
            .parse::<u32>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| format!("request '{req}': bad repeat count '{n}'"))?,
        None => 1,
    };
    if body.ends_with(".yaml") || body.ends_with(".yml") {
        return Ok(Request {
            suite: body.to_string(),
            test: None,
            subtitle: None,
            repeat,
        });
    }
    let mut parts = body.splitn(3, '.');
    let suite = parts.next().unwrap_or_default().to_string();
    let test = parts.next().map(str::to_string);
    let subtitle = parts.next().map(str::to_string);
    if !valid(&suite, "") {
        return Err(format!(
            "request '{req}': invalid suite name '{suite}' (letters, digits, '_' and '-')"
        ));
    }
    if let Some(t) = &test {
        if !valid(t, "*?[]") {
            return Err(format!("request '{req}': invalid test pattern '{t}'"));
        }
    }
    if let Some(st) = &subtitle {
        if !valid(st, ".()@*?[]") {
            return Err(format!("request '{req}': invalid subtitle pattern '{st}'"));
        }
    }
    Ok(Request {
        suite,
        test,
        subtitle,
        repeat,
    })
}

/// Shell-style glob match (`*`, `?`, `[…]`) of a whole name.
pub fn glob_match(pat: &str, name: &str) -> bool {
    let p: Vec<char> = pat.chars().collect();
    let n: Vec<char> = name.chars().collect();
    fn class(p: &[char], c: char) -> Option<(bool, usize)> {
        let mut i = 1;
        let neg = p.get(1) == Some(&'!') || p.get(1) == Some(&'^');
        if neg {
            i += 1;
        }
        let mut hit = false;
        let start = i;
        while i < p.len() && (p[i] != ']' || i == start) {
            if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
                hit |= p[i] <= c && c <= p[i + 2];
                i += 3;
            } else {
                hit |= p[i] == c;
                i += 1;
            }
        }
        (i < p.len()).then_some((hit != neg, i + 1))
    }
    fn go(p: &[char], n: &[char]) -> bool {
        match p.first() {
            None => n.is_empty(),
            Some('*') => (0..=n.len()).any(|k| go(&p[1..], &n[k..])),
            Some('?') => !n.is_empty() && go(&p[1..], &n[1..]),
            Some('[') => match (n.first(), class(p, n.first().copied().unwrap_or('\0'))) {
                (Some(_), Some((true, used))) => go(&p[used..], &n[1..]),
                (_, None) => n.first() == Some(&'[') && go(&p[1..], &n[1..]),
                _ => false,
            },
            Some(c) => n.first() == Some(c) && go(&p[1..], &n[1..]),
        }
    }
    go(&p, &n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_forms() {
        assert_eq!(
            parse("hello").unwrap(),
            Request {
                suite: "hello".into(),
                test: None,
                subtitle: None,
                repeat: 1
            }
        );
        let r = parse("3*hello.world.a-b").unwrap();
        assert_eq!(
            (r.test.as_deref(), r.subtitle.as_deref(), r.repeat),
            (Some("world"), Some("a-b"), 3)
        );
        assert_eq!(parse("hello.w* * 2").unwrap().repeat, 2);
        assert!(parse("2*hello*3").is_err());
        assert!(parse("hel lo").is_err());
        assert_eq!(parse("x/y.yaml").unwrap().suite, "x/y.yaml");
    }

    #[test]
    fn globs() {
        assert!(glob_match("w*", "world"));
        assert!(glob_match("w?rld", "world"));
        assert!(glob_match("[a-c]x", "bx"));
        assert!(!glob_match("[!a-c]x", "bx"));
        assert!(!glob_match("w*", "hello"));
        assert!(glob_match("*", ""));
    }
}
