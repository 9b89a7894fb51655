//! Whole-value pattern matching for plugin schema `regex(...)` validators (SCHEDULING.md §2.6).
//!
//! This crate has no regex dependency, and schema patterns (built-in plugins, external plugins'
//! `schema.yaml`) only need a small, well-known subset, so this module compiles that subset to a
//! Thompson NFA and runs it as a Pike VM: time is linear in `len(pattern) × len(value)` whatever
//! the pattern, so a hostile external schema cannot make validation hang.
//!
//! Supported: literals; `.`; escapes `\d \D \w \W \s \S \t \n` and `\` before any punctuation;
//! classes `[a-z_]`, `[^...]` (with those escapes inside); groups `(...)` and `(?:...)`;
//! alternation `|`; quantifiers `* + ?`, `{n}`, `{n,}`, `{n,m}` (bounds ≤ 1000); anchors `^` and
//! `$`. The match always covers the whole value, whether or not the pattern is anchored.

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    prog: Vec<Inst>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct CharSet {
    ranges: Vec<(char, char)>,
    negated: bool,
}

impl CharSet {
    fn one(c: char) -> Self {
        CharSet {
            ranges: vec![(c, c)],
            negated: false,
        }
    }

    fn contains(&self, c: char) -> bool {
        self.ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != self.negated
    }
}

#[derive(Debug, Clone)]
enum Node {
    Empty,
    Set(CharSet),
    Start,
    End,
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
}

#[derive(Debug, Clone)]
enum Inst {
    Set(CharSet),
    Split(usize, usize),
    Jmp(usize),
    AssertStart,
    AssertEnd,
    Match,
}

const MAX_REPEAT: u32 = 1000;
const MAX_PROGRAM: usize = 100_000;

const DIGIT: &[(char, char)] = &[('0', '9')];
const WORD: &[(char, char)] = &[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
const SPACE: &[(char, char)] = &[('\t', '\r'), (' ', ' ')];

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    src: &'a str,
}

impl Parser<'_> {
    fn err(&self, what: &str) -> String {
        format!(
            "invalid pattern '{}': {what} at offset {}",
            self.src, self.pos
        )
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn alt(&mut self, depth: usize) -> Result<Node, String> {
        if depth > 100 {
            return Err(self.err("groups nested too deeply"));
        }
        let mut branches = vec![self.concat(depth)?];
        while self.eat('|') {
            branches.push(self.concat(depth)?);
        }
        Ok(if branches.len() == 1 {
            branches.remove(0)
        } else {
            Node::Alt(branches)
        })
    }

    fn concat(&mut self, depth: usize) -> Result<Node, String> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom(depth)?;
            items.push(self.quantifiers(atom)?);
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.remove(0),
            _ => Node::Concat(items),
        })
    }

    fn quantifiers(&mut self, mut atom: Node) -> Result<Node, String> {
        loop {
            let (min, max) = match self.peek() {
                Some('*') => (0, None),
                Some('+') => (1, None),
                Some('?') => (0, Some(1)),
                Some('{') => {
                    self.pos += 1;
                    let bounds = self.bounds()?;
                    atom = Node::Repeat {
                        node: Box::new(atom),
                        min: bounds.0,
                        max: bounds.1,
                    };
                    continue;
                }
                _ => return Ok(atom),
            };
            self.pos += 1;
            atom = Node::Repeat {
                node: Box::new(atom),
                min,
                max,
            };
        }
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        let s: String = self.chars[start..self.pos].iter().collect();
        s.parse().ok()
    }

    /// After `{`: `n}`, `n,}` or `n,m}`.
    fn bounds(&mut self) -> Result<(u32, Option<u32>), String> {
        let min = self
            .number()
            .ok_or_else(|| self.err("expected a number after '{'"))?;
        let max = if self.eat(',') {
            if self.peek() == Some('}') {
                None
            } else {
                Some(self.number().ok_or_else(|| self.err("bad bound"))?)
            }
        } else {
            Some(min)
        };
        if !self.eat('}') {
            return Err(self.err("expected '}'"));
        }
        if min > MAX_REPEAT || max.is_some_and(|m| m > MAX_REPEAT || m < min) {
            return Err(self.err("bad repetition bounds"));
        }
        Ok((min, max))
    }

    fn atom(&mut self, depth: usize) -> Result<Node, String> {
        let Some(c) = self.peek() else {
            return Err(self.err("unexpected end"));
        };
        self.pos += 1;
        match c {
            '(' => {
                if self.eat('?') && !self.eat(':') {
                    return Err(self.err("unsupported group syntax"));
                }
                let inner = self.alt(depth + 1)?;
                if !self.eat(')') {
                    return Err(self.err("missing ')'"));
                }
                Ok(inner)
            }
            '[' => self.class().map(Node::Set),
            '.' => Ok(Node::Set(CharSet {
                ranges: vec![('\n', '\n')],
                negated: true,
            })),
            '^' => Ok(Node::Start),
            '$' => Ok(Node::End),
            '\\' => self.escape().map(Node::Set),
            '*' | '+' | '?' | '{' => Err(self.err("nothing to repeat")),
            _ => Ok(Node::Set(CharSet::one(c))),
        }
    }

    /// After `\`, outside or inside a class.
    fn escape(&mut self) -> Result<CharSet, String> {
        let c = self.peek().ok_or_else(|| self.err("dangling '\\'"))?;
        self.pos += 1;
        let set = |r: &[(char, char)], negated| CharSet {
            ranges: r.to_vec(),
            negated,
        };
        Ok(match c {
            'd' => set(DIGIT, false),
            'D' => set(DIGIT, true),
            'w' => set(WORD, false),
            'W' => set(WORD, true),
            's' => set(SPACE, false),
            'S' => set(SPACE, true),
            't' => CharSet::one('\t'),
            'n' => CharSet::one('\n'),
            c if c.is_ascii_punctuation() => CharSet::one(c),
            _ => return Err(self.err("unsupported escape")),
        })
    }

    /// After `[`.
    fn class(&mut self) -> Result<CharSet, String> {
        let negated = self.eat('^');
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let c = self.peek().ok_or_else(|| self.err("missing ']'"))?;
            self.pos += 1;
            if c == ']' && !first {
                break;
            }
            first = false;
            let lo = if c == '\\' {
                let esc = self.escape()?;
                if esc.negated || esc.ranges.len() != 1 || esc.ranges[0].0 != esc.ranges[0].1 {
                    if esc.negated {
                        return Err(self.err("negated escape inside a class"));
                    }
                    ranges.extend(esc.ranges);
                    continue;
                }
                esc.ranges[0].0
            } else {
                c
            };
            let is_range =
                self.peek() == Some('-') && self.chars.get(self.pos + 1).is_some_and(|&n| n != ']');
            if is_range {
                self.pos += 1;
                let hi_c = self.peek().ok_or_else(|| self.err("missing ']'"))?;
                self.pos += 1;
                let hi = if hi_c == '\\' {
                    let esc = self.escape()?;
                    match esc.ranges.as_slice() {
                        [(a, b)] if a == b && !esc.negated => *a,
                        _ => return Err(self.err("bad class range")),
                    }
                } else {
                    hi_c
                };
                if hi < lo {
                    return Err(self.err("descending class range"));
                }
                ranges.push((lo, hi));
            } else {
                ranges.push((lo, lo));
            }
        }
        Ok(CharSet { ranges, negated })
    }
}

struct Compiler {
    prog: Vec<Inst>,
}

impl Compiler {
    fn push(&mut self, i: Inst) -> Result<usize, String> {
        if self.prog.len() >= MAX_PROGRAM {
            return Err("pattern is too large".to_string());
        }
        self.prog.push(i);
        Ok(self.prog.len() - 1)
    }

    fn node(&mut self, n: &Node) -> Result<(), String> {
        match n {
            Node::Empty => {}
            Node::Set(s) => {
                self.push(Inst::Set(s.clone()))?;
            }
            Node::Start => {
                self.push(Inst::AssertStart)?;
            }
            Node::End => {
                self.push(Inst::AssertEnd)?;
            }
            Node::Concat(items) => {
                for i in items {
                    self.node(i)?;
                }
            }
            Node::Alt(branches) => {
                let mut jumps = Vec::new();
                for (i, b) in branches.iter().enumerate() {
                    if i + 1 < branches.len() {
                        let split = self.push(Inst::Split(0, 0))?;
                        self.node(b)?;
                        jumps.push(self.push(Inst::Jmp(0))?);
                        let next = self.prog.len();
                        self.prog[split] = Inst::Split(split + 1, next);
                    } else {
                        self.node(b)?;
                    }
                }
                let end = self.prog.len();
                for j in jumps {
                    self.prog[j] = Inst::Jmp(end);
                }
            }
            Node::Repeat { node, min, max } => {
                for _ in 0..*min {
                    self.node(node)?;
                }
                match max {
                    None => {
                        let split = self.push(Inst::Split(0, 0))?;
                        self.node(node)?;
                        self.push(Inst::Jmp(split))?;
                        let end = self.prog.len();
                        self.prog[split] = Inst::Split(split + 1, end);
                    }
                    Some(max) => {
                        let mut splits = Vec::new();
                        for _ in *min..*max {
                            splits.push(self.push(Inst::Split(0, 0))?);
                            self.node(node)?;
                        }
                        let end = self.prog.len();
                        for s in splits {
                            self.prog[s] = Inst::Split(s + 1, end);
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

impl Pattern {
    /// Compiles `src`; an error names the pattern and the offset of the problem.
    pub fn new(src: &str) -> Result<Pattern, String> {
        let mut p = Parser {
            chars: src.chars().collect(),
            pos: 0,
            src,
        };
        let ast = p.alt(0)?;
        if p.pos != p.chars.len() {
            return Err(p.err("unbalanced ')'"));
        }
        let mut c = Compiler { prog: Vec::new() };
        c.node(&ast)?;
        c.push(Inst::Match)?;
        Ok(Pattern { prog: c.prog })
    }

    /// Whether the pattern matches all of `text`.
    pub fn matches(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let n = self.prog.len();
        let mut seen = vec![usize::MAX; n];
        let mut clist = Vec::with_capacity(n);
        let mut nlist = Vec::with_capacity(n);
        let mut stack = Vec::new();
        self.add(&mut clist, &mut seen, &mut stack, 0, 0, chars.len());
        for (pos, &c) in chars.iter().enumerate() {
            nlist.clear();
            for &pc in &clist {
                if let Inst::Set(set) = &self.prog[pc] {
                    if set.contains(c) {
                        self.add(
                            &mut nlist,
                            &mut seen,
                            &mut stack,
                            pc + 1,
                            pos + 1,
                            chars.len(),
                        );
                    }
                }
            }
            std::mem::swap(&mut clist, &mut nlist);
            if clist.is_empty() {
                return false;
            }
        }
        clist.iter().any(|&pc| matches!(self.prog[pc], Inst::Match))
    }

    /// Adds the epsilon closure of `pc` at position `pos` to `list`; `seen[pc] == pos` marks
    /// states already added for this position.
    fn add(
        &self,
        list: &mut Vec<usize>,
        seen: &mut [usize],
        stack: &mut Vec<usize>,
        pc: usize,
        pos: usize,
        len: usize,
    ) {
        stack.push(pc);
        while let Some(pc) = stack.pop() {
            if seen[pc] == pos {
                continue;
            }
            seen[pc] = pos;
            match &self.prog[pc] {
                Inst::Jmp(t) => stack.push(*t),
                Inst::Split(a, b) => {
                    stack.push(*b);
                    stack.push(*a);
                }
                Inst::AssertStart => {
                    if pos == 0 {
                        stack.push(pc + 1);
                    }
                }
                Inst::AssertEnd => {
                    if pos == len {
                        stack.push(pc + 1);
                    }
                }
                Inst::Set(_) | Inst::Match => list.push(pc),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, t: &str) -> bool {
        Pattern::new(p).unwrap().matches(t)
    }

    #[test]
    fn spec_state_and_feature_patterns() {
        let state = "^[A-Za-z][A-Za-z0-9_-]*$";
        assert!(m(state, "IDLE"));
        assert!(m(state, "job-busy"));
        assert!(!m(state, "1DLE"));
        assert!(!m(state, "IDLE+DRAIN"));
        let feat = r"^[A-Za-z0-9_.:=+-]+(\|[A-Za-z0-9_.:=+-]+)*$";
        assert!(m(feat, "gpu"));
        assert!(m(feat, "a100|h100"));
        assert!(m(feat, "mem=256G"));
        assert!(!m(feat, "a||b"));
        assert!(!m(feat, "|a"));
        assert!(!m(feat, "a b"));
    }

    #[test]
    fn whole_value_even_unanchored() {
        assert!(m("ab", "ab"));
        assert!(!m("ab", "abc"));
        assert!(!m("ab", "xab"));
        assert!(m("a|bc", "bc"));
        assert!(!m("a|bc", "abc"));
    }

    #[test]
    fn quantifiers_and_classes() {
        assert!(m(r"\d{2,3}", "12"));
        assert!(m(r"\d{2,3}", "123"));
        assert!(!m(r"\d{2,3}", "1234"));
        assert!(m(r"x{2}", "xx"));
        assert!(m(r"x{2,}", "xxxxx"));
        assert!(!m(r"x{2,}", "x"));
        assert!(m("(?:ab)+c?", "ababc"));
        assert!(m("[^ ]+", "abc"));
        assert!(!m("[^ ]+", "a c"));
        assert!(m(r"[\w.]+", "a_b.c"));
        assert!(m("[]a]", "]"));
        assert!(m("[a-]", "-"));
        assert!(m(".*", ""));
        assert!(m(r"\s\S", " x"));
    }

    #[test]
    fn pathological_pattern_is_linear() {
        let long = "a".repeat(5000);
        assert!(!m("(a*)*b", &long));
        assert!(m("(a|a)*", &long));
    }

    #[test]
    fn bad_patterns_are_errors() {
        for p in [
            "(a", "a)", "[a", "*a", r"a\", "a{2", "a{3,1}", "[z-a]", "(?=a)", r"\q",
        ] {
            assert!(Pattern::new(p).is_err(), "{p:?} should be rejected");
        }
    }
}
