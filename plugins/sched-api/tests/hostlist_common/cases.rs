//! The deterministic conformance cases: hand-picked inputs (spec examples, H1–H6 and R3
//! examples, Slurm quirks) plus seeded random hostlists, invalid variants and name lists.
//!
//! The expansion cases also contain loggia's Slurm-style compression of every name list, so that
//! the fixture records how Slurm reads what loggia writes (R4). Changing `compress` therefore
//! changes the case set, and the conformance test asks for the fixture to be regenerated.

use loggia_sched::hostlist::{compress, Style};
use std::collections::HashSet;

/// Generator seed; changing it changes the fixture.
pub const SEED: u64 = 0x0010_661a_2205;

/// All cases: hostlists to expand and name lists to compress.
pub struct Cases {
    pub expand: Vec<String>,
    pub compress: Vec<Vec<String>>,
}

/// SplitMix64: small, seedable, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n ≥ 1; the modulo bias is irrelevant here).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Inputs chosen by hand: §7.2/§7.3 examples, every H1–H6 and R3 example, and inputs on which
/// Slurm 22.05 is known to behave oddly.
const FIXED_EXPAND: &[&str] = &[
    "",
    ",",
    " , \t\n",
    "cn[8-10]",
    "cn[08-10]",
    "cn[008-10]",
    "cn[1-05]",
    "cn[007]",
    "r[1-2]c[1-2]",
    "[1-3]",
    "cn[1-4]-ib",
    "cn1-ib,cn2-ib",
    "cn[1-2],cn1",
    "a b\tc\nd",
    "a,,b",
    " a ",
    "cn[1-2], cn3",
    "a_b[1-2]",
    "a.b[1-2]",
    "a-b[1-2]",
    "-a[1-2]",
    "_[1-2]",
    ".",
    "a[1-2][3-4]",
    "x[1-3]y[2]",
    "x[9-11]y",
    "[1-2]a",
    "a[1-2].x",
    "x,a[1-2]b,c",
    "cn[1-3]x",
    "a[1,3-4,02]",
    "cn01-02",
    "cn[01-2]",
    "cn[01-1]",
    "cn[00-03]",
    "cn[0-0]",
    "cn[5-5]",
    "cn[05-5]",
    "cn[1,01,001]",
    "cn[99-101]",
    "cn[098-101]",
    "CN[1-2]",
    "cn[1-3",
    "cn[1-3,",
    "cn1]",
    "cn[[1]]",
    "a[[1-2]",
    "cn[1]]",
    "cn[1-3]]",
    "cn]1[",
    "]",
    "[",
    "x,[",
    "a]b",
    "a]b[1-2]",
    "a[1-2],b]",
    "a[1-2]b]",
    "[]",
    "cn[]",
    "cn[,2]",
    "cn[2,]",
    "cn[1,,2]",
    "cn[3-]",
    "cn[1,2-]",
    "cn[-3]",
    "cn[1-2-3]",
    "cn[a-b]",
    "[a]",
    "cn[1a]",
    "cn[1 - 3]",
    "cn[ 1-3]",
    "cn[1--3]",
    "cn[+1]",
    "cn[1-+3]",
    "cn[3-1]",
    "cn[10-9]",
    "cn1!",
    "cn@1",
    "a\rb",
    "ü[1-2]",
    "nœud1",
    "cn[0-65536]",
    "cn[1-70000]",
    "cn[1-99999999999999999999]",
    "cn[00000000000000000000001-2]",
    "cn[4294967295-4294967296]",
    "cn[99999999999999999999]",
    "cn18446744073709551616",
    "cn[18446744073709551613-18446744073709551614]",
    "cn[18446744073709551614-18446744073709551615]",
];

/// Name lists chosen by hand: the §7.3 examples and known ordering differences.
const FIXED_COMPRESS: &[&[&str]] = &[
    &["cn9", "cn10", "cn11", "login1x", "login"],
    &["cn01", "cn1", "cn2"],
    &["gpu_a1", "gpu_a2", "gpu_a4"],
    &["cn1-ib", "cn2-ib"],
    &["cn3", "cn1", "cn2", "cn1"],
    &["a0", "a00", "a1", "a01"],
    &["a7", "a8", "a9", "a10", "a010", "a11"],
    &["n10", "n9", "n08", "n007"],
    &["x1", "X1"],
    &["a_1", "a1", "a.1"],
    &["a1x", "a2x", "a"],
    &["a5", "a6", "a1b"],
    &["a-x", "a1x"],
    &["a1b", "a01b"],
    &["1", "2", "3"],
    &["a1", "a3"],
    &["cn099", "cn100", "cn101"],
];

pub fn generate() -> Cases {
    let mut rng = Rng(SEED);
    let mut expand: Vec<String> = FIXED_EXPAND.iter().map(|s| s.to_string()).collect();
    for _ in 0..260 {
        expand.push(random_hostlist(&mut rng));
    }
    for _ in 0..140 {
        let valid = random_hostlist(&mut rng);
        expand.push(invalid_variant(&mut rng, &valid));
    }

    let mut lists: Vec<Vec<String>> = FIXED_COMPRESS
        .iter()
        .map(|l| l.iter().map(|s| s.to_string()).collect())
        .collect();
    for i in 0..200 {
        lists.push(if i % 5 < 3 {
            regular_names(&mut rng)
        } else {
            irregular_names(&mut rng)
        });
    }
    for names in &lists {
        expand.push(compress(names, Style::Slurm));
    }
    // Slurm does not split at newlines; the same input with spaces shows what it does otherwise.
    let with_spaces: Vec<String> = expand
        .iter()
        .filter(|s| s.contains('\n'))
        .map(|s| s.replace('\n', " "))
        .collect();
    expand.extend(with_spaces);

    let mut seen = HashSet::new();
    expand.retain(|s| seen.insert(s.clone()));
    let mut seen = HashSet::new();
    lists.retain(|l| seen.insert(l.clone()));
    Cases {
        expand,
        compress: lists,
    }
}

const PREFIXES: &[&str] = &[
    "cn", "node", "gpu_a", "n-", "x.y", "login-", "c_", "ab", "q",
];
const SUFFIXES: &[&str] = &["-ib", "x", ".eth", "_mgmt"];

/// A number written with random zero-padding, width up to 4 digits.
fn padded(rng: &mut Rng, v: u64) -> String {
    let width = rng.range(1, 4) as usize;
    format!("{v:0width$}")
}

fn random_group(rng: &mut Rng) -> String {
    let n = rng.range(1, 3);
    let mut ranges = Vec::new();
    for _ in 0..n {
        let lo = *rng.pick(&[0, 1, 2, 7, 8, 9, 10, 11, 95, 98, 99, 100, 999, 1000]);
        if rng.chance(35) {
            ranges.push(padded(rng, lo));
        } else {
            let hi = lo + rng.range(0, 12);
            let lo_text = padded(rng, lo);
            let hi_text = if rng.chance(80) {
                hi.to_string()
            } else {
                padded(rng, hi)
            };
            ranges.push(format!("{lo_text}-{hi_text}"));
        }
    }
    format!("[{}]", ranges.join(","))
}

fn random_item(rng: &mut Rng) -> String {
    let prefix = *rng.pick(PREFIXES);
    match rng.below(10) {
        0 => prefix.trim_end_matches(['-', '.', '_']).to_string(),
        1 => {
            let v = rng.range(0, 120);
            format!("{prefix}{}", padded(rng, v))
        }
        2 => random_group(rng),
        3 => format!("r{}c{}", random_group(rng), random_group(rng)),
        4 => format!("{prefix}{}-{}", random_group(rng), rng.range(0, 9)),
        // Text after the last `]`: accepted by loggia, rejected by Slurm 22.05.
        5 if rng.chance(60) => format!("{prefix}{}{}", random_group(rng), rng.pick(SUFFIXES)),
        _ => format!("{prefix}{}", random_group(rng)),
    }
}

fn separator(rng: &mut Rng) -> &'static str {
    const SEPARATORS: &[&str] = &[",", ",", ",", ",", " ", ", ", "\t", "\n", ",,"];
    SEPARATORS[rng.below(SEPARATORS.len() as u64) as usize]
}

fn random_hostlist(rng: &mut Rng) -> String {
    let n = rng.range(1, 4);
    let mut items: Vec<String> = (0..n).map(|_| random_item(rng)).collect();
    if rng.chance(20) {
        let dup = rng.pick(&items).clone();
        items.push(dup);
    }
    let mut s = String::new();
    if rng.chance(10) {
        s.push_str(separator(rng));
    }
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            s.push_str(separator(rng));
        }
        s.push_str(item);
    }
    if rng.chance(10) {
        s.push_str(separator(rng));
    }
    s
}

/// A hostlist broken in one of the ways H1–H5 (and R3) describe, or made too large (H6).
fn invalid_variant(rng: &mut Rng, valid: &str) -> String {
    let at = |rng: &mut Rng| rng.below(valid.len() as u64 + 1) as usize;
    let prefix = *rng.pick(PREFIXES);
    match rng.below(12) {
        0 => match valid.rfind(']') {
            Some(i) => format!("{}{}", &valid[..i], &valid[i + 1..]),
            None => format!("{valid}]"),
        },
        1 => match valid.find('[') {
            Some(i) => format!("{}{}", &valid[..i], &valid[i + 1..]),
            None => format!("{valid}["),
        },
        2 | 3 => {
            let i = at(rng);
            let c = *rng.pick(&['!', '@', '+', '*', ':', '/', '=', 'é', '#', '%', '[', ']']);
            format!("{}{c}{}", &valid[..i], &valid[i..])
        }
        4 => format!("{prefix}[{}-{}]", rng.range(5, 20), rng.range(0, 4)),
        5 => format!(
            "{prefix}{}",
            rng.pick(&["[]", "[,3]", "[3,]", "[1,,2]", "[-4]"])
        ),
        6 => format!("{prefix}[{}-]", rng.range(0, 20)),
        7 => format!(
            "{prefix}{}",
            rng.pick(&["[a-b]", "[1-2-3]", "[1--3]", "[x]", "[2a]"])
        ),
        8 => format!("{prefix}[{} - {}]", rng.range(0, 3), rng.range(4, 9)),
        // More than 65 536 values: rejected by both.
        9 => format!(
            "{prefix}[{}-{}]",
            rng.range(0, 1),
            rng.range(65_537, 70_000)
        ),
        10 => format!("{prefix}[+{}]", rng.range(0, 9)),
        _ => format!("{valid},{prefix}[{}", rng.range(0, 9)),
    }
}

/// Name lists §7.4 R5 covers: prefixes without digits, per prefix either unpadded numbers or
/// one fixed width, digit-free singles, duplicates.
fn regular_names(rng: &mut Rng) -> Vec<String> {
    let mut names = Vec::new();
    for _ in 0..rng.range(1, 3) {
        let prefix = *rng.pick(&["cn", "node", "gpu_a", "n-", "x.y", "login-", "c_", "ab"]);
        let width = if rng.chance(50) {
            0
        } else {
            rng.range(2, 4) as usize
        };
        let base = *rng.pick(&[0, 1, 5, 8, 95, 98, 990]);
        let mut v = base;
        for _ in 0..rng.range(1, 12) {
            v += if rng.chance(70) { 1 } else { rng.range(2, 5) };
            names.push(format!("{prefix}{v:0width$}"));
        }
    }
    for _ in 0..rng.range(0, 2) {
        names.push(rng.pick(&["login", "gpu", "head", "cn", "ab"]).to_string());
    }
    add_duplicates_and_shuffle(rng, names)
}

/// Name lists outside R5: mixed padding, digits inside prefixes and singles, suffixes, short
/// or empty prefixes.
fn irregular_names(rng: &mut Rng) -> Vec<String> {
    let mut names = Vec::new();
    for _ in 0..rng.range(2, 14) {
        let v = rng.range(0, 14);
        let name = match rng.below(7) {
            0 => format!("a{}", padded(rng, v)),
            1 => format!("r{}c{}", rng.range(1, 3), padded(rng, v)),
            2 => format!("cn{}{}", v, rng.pick(SUFFIXES)),
            3 => padded(rng, v),
            4 => format!("{}{v}", rng.pick(PREFIXES)),
            5 => format!("n{}", padded(rng, v)),
            _ => format!("cn{}", padded(rng, v)),
        };
        names.push(name);
    }
    add_duplicates_and_shuffle(rng, names)
}

fn add_duplicates_and_shuffle(rng: &mut Rng, mut names: Vec<String>) -> Vec<String> {
    if rng.chance(30) {
        for _ in 0..rng.range(1, 3) {
            let dup = rng.pick(&names).clone();
            names.push(dup);
        }
    }
    // Fisher–Yates.
    for i in (1..names.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        names.swap(i, j);
    }
    names
}
