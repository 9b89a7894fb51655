//! The key scanner of `scontrol --oneliner` text (SCHEDULING.md §2.7): it finds every key of
//! every line and the extent of its value, for the record parser and for the node inventory.
//!
//! A 100 000-node inventory is ~70 MB of text, read on every invocation, so the text is scanned
//! in 64-byte blocks without looking at bytes one by one. Each block becomes five bit masks
//! (whitespace, `=`, key characters, upper-case letters, newlines; with AVX2 where the CPU has
//! it, from a table otherwise), and keys fall out of bit arithmetic: a key starts at an
//! upper-case letter after whitespace (`S`), and adding `S` to the key-character mask `K`
//! carries through each key's run of key characters to the byte just after it, so
//! `(K + S) & !K & '='` marks the `=` of every key at once. Only keys and newlines are then
//! visited. The carry of that addition runs on from block to block, so keys may straddle
//! blocks and lines may be of any length.

/// Byte classes: bit 0 ASCII whitespace (as `u8::is_ascii_whitespace`), bit 1 a key character
/// (`[A-Za-z0-9_:/.]`), bit 2 an upper-case letter.
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_whitespace() {
            t[b] |= 1;
        }
        if c.is_ascii_alphanumeric() || matches!(c, b'_' | b':' | b'/' | b'.') {
            t[b] |= 2;
        }
        if c.is_ascii_uppercase() {
            t[b] |= 4;
        }
        b += 1;
    }
    t
};

pub(crate) fn is_space(b: u8) -> bool {
    CLASS[b as usize] & 1 != 0
}

/// Bit `j` of each mask describes byte `j` of a 64-byte block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Masks {
    space: u64,
    equals: u64,
    key: u64,
    upper: u64,
    newline: u64,
}

/// The masks of `block`, one byte at a time: the definition, used where AVX2 is not available
/// and as the reference the vector version is tested against.
fn masks_scalar(block: &[u8; 64]) -> Masks {
    let mut m = Masks::default();
    for (j, &b) in block.iter().enumerate() {
        let c = CLASS[b as usize];
        m.space |= u64::from(c & 1) << j;
        m.key |= u64::from((c >> 1) & 1) << j;
        m.upper |= u64::from((c >> 2) & 1) << j;
        m.equals |= u64::from(b == b'=') << j;
        m.newline |= u64::from(b == b'\n') << j;
    }
    m
}

/// The masks of `block` with AVX2, 32 bytes per instruction.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn masks_avx2(block: &[u8; 64]) -> Masks {
    use std::arch::x86_64::{
        __m256i, _mm256_andnot_si256, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8,
        _mm256_or_si256, _mm256_set1_epi8, _mm256_setzero_si256, _mm256_sub_epi8, _mm256_subs_epu8,
    };
    let mut m = Masks::default();
    for (q, chunk) in block.chunks_exact(32).enumerate() {
        // SAFETY: the load reads the 32 bytes of `chunk` and needs no alignment.
        let x = unsafe { _mm256_loadu_si256(chunk.as_ptr().cast()) };
        let eq = |c: u8| _mm256_cmpeq_epi8(x, _mm256_set1_epi8(c as i8));
        // lo ≤ v ≤ hi: v − lo (wrapping) saturates to 0 when reduced by hi − lo.
        let range = |v: __m256i, lo: u8, hi: u8| {
            let d = _mm256_sub_epi8(v, _mm256_set1_epi8(lo as i8));
            let over = _mm256_subs_epu8(d, _mm256_set1_epi8((hi - lo) as i8));
            _mm256_cmpeq_epi8(over, _mm256_setzero_si256())
        };
        // \t \n \x0c \r (9..=13 without \x0b) and space.
        let space = _mm256_or_si256(
            eq(b' '),
            _mm256_andnot_si256(eq(0x0b), range(x, 0x09, 0x0d)),
        );
        let upper = range(x, b'A', b'Z');
        // Setting bit 5 folds A-Z onto a-z and maps nothing else into a-z; `.` `/` 0-9 `:` are
        // one run of codes.
        let folded = _mm256_or_si256(x, _mm256_set1_epi8(0x20));
        let key = _mm256_or_si256(
            range(folded, b'a', b'z'),
            _mm256_or_si256(range(x, b'.', b':'), eq(b'_')),
        );
        let bits = |v: __m256i| u64::from(_mm256_movemask_epi8(v) as u32) << (q * 32);
        m.space |= bits(space);
        m.equals |= bits(eq(b'='));
        m.key |= bits(key);
        m.upper |= bits(upper);
        m.newline |= bits(eq(b'\n'));
    }
    m
}

/// The masks of `block` with AVX-512BW: the whole block per instruction, each comparison
/// giving its bit mask directly.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512bw")]
#[inline]
fn masks_avx512(block: &[u8; 64]) -> Masks {
    use std::arch::x86_64::{
        __m512i, _mm512_cmpeq_epi8_mask, _mm512_cmple_epu8_mask, _mm512_loadu_si512,
        _mm512_or_si512, _mm512_set1_epi8, _mm512_sub_epi8,
    };
    // SAFETY: the load reads the 64 bytes of `block` and needs no alignment.
    let x = unsafe { _mm512_loadu_si512(block.as_ptr().cast()) };
    let eq = |c: u8| _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(c as i8));
    // lo ≤ v ≤ hi: v − lo (wrapping) is at most hi − lo, unsigned.
    let range = |v: __m512i, lo: u8, hi: u8| {
        let d = _mm512_sub_epi8(v, _mm512_set1_epi8(lo as i8));
        _mm512_cmple_epu8_mask(d, _mm512_set1_epi8((hi - lo) as i8))
    };
    // As in `masks_avx2`: \t \n \x0c \r and space; bit 5 folds A-Z onto a-z.
    let folded = _mm512_or_si512(x, _mm512_set1_epi8(0x20));
    Masks {
        space: eq(b' ') | (range(x, 0x09, 0x0d) & !eq(0x0b)),
        equals: eq(b'='),
        key: range(folded, b'a', b'z') | range(x, b'.', b':') | eq(b'_'),
        upper: range(x, b'A', b'Z'),
        newline: eq(b'\n'),
    }
}

/// What [`scan_text`] reports, in text order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event<'a> {
    /// A key of the current line and its value.
    Key(&'a str, &'a str),
    /// The end of a line, and whether it had a key.
    LineEnd(bool),
}

/// The receiver of a [`scan`], called in text order. `key` and `value` run for each of the
/// ~40 keys of every node line, so implementations should be small enough to be inlined into
/// the scan loop; a value nobody wants is never sliced or trimmed.
pub(crate) trait Visit<'a> {
    /// A key of the current line, met at its `=`: whether its value is wanted.
    fn key(&mut self, key: &'a str) -> bool;
    /// The value of the line's latest key when [`Visit::key`] wanted it.
    fn value(&mut self, value: &'a str);
    /// The end of a line, and whether it had a key.
    fn line_end(&mut self, had_key: bool);
}

/// [`Visit`] for a closure over [`Event`]s: every key is wanted.
struct Events<'a, F> {
    sink: F,
    key: &'a str,
}

impl<'a, F: FnMut(Event<'a>)> Visit<'a> for Events<'a, F> {
    #[inline]
    fn key(&mut self, key: &'a str) -> bool {
        self.key = key;
        true
    }

    #[inline]
    fn value(&mut self, value: &'a str) {
        (self.sink)(Event::Key(self.key, value));
    }

    #[inline]
    fn line_end(&mut self, had_key: bool) {
        (self.sink)(Event::LineEnd(had_key));
    }
}

/// [`scan`] reporting every key and its value as an [`Event`].
pub(crate) fn scan_text<'a>(text: &'a str, sink: impl FnMut(Event<'a>)) {
    scan(text, &mut Events { sink, key: "" });
}

/// Scans `text` line by line (lines end at `\n`), reporting each key of a line in order, the
/// values asked for, and then the line's end; the last line ends too when the text does not end
/// with `\n`. A key starts at the line start or after whitespace, matches
/// `[A-Z][A-Za-z0-9_:/.]*` and is immediately followed by `=`; its value runs to the whitespace
/// before the next key of the line (or the line end), trailing ASCII whitespace trimmed, so
/// values keep inner spaces and `=`.
pub(crate) fn scan<'a>(text: &'a str, visit: &mut impl Visit<'a>) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512bw") {
            // SAFETY: the CPU has AVX-512BW.
            return unsafe { scan_avx512(text, visit) };
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2.
            return unsafe { scan_avx2(text, visit) };
        }
    }
    scan_with(text, visit, masks_scalar)
}

/// [`scan_with`] compiled for AVX-512BW, so that [`masks_avx512`] is inlined into its loop.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512bw")]
fn scan_avx512<'a>(text: &'a str, visit: &mut impl Visit<'a>) {
    scan_with(text, visit, |block| masks_avx512(block))
}

/// [`scan_with`] compiled for AVX2, so that [`masks_avx2`] is inlined into its loop.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn scan_avx2<'a>(text: &'a str, visit: &mut impl Visit<'a>) {
    scan_with(text, visit, |block| masks_avx2(block))
}

/// The scan with the block classifier `masks`.
#[inline(always)]
fn scan_with<'a>(text: &'a str, visit: &mut impl Visit<'a>, masks: impl Fn(&[u8; 64]) -> Masks) {
    let b = text.as_bytes();
    let n = b.len();
    let trimmed = |from: usize, mut end: usize| {
        while end > from && is_space(b[end - 1]) {
            end -= 1;
        }
        &text[from..end]
    };
    // The value start of the line's latest key, and whether that value is wanted.
    let mut current: Option<(usize, bool)> = None;
    // The byte before the block is whitespace (the text start counts as such).
    let mut space_before = 1u64;
    let mut carry = false;
    // The last key start seen in an earlier block, for keys that straddle blocks.
    let mut last_start = 0usize;
    let mut pad = [0u8; 64];
    let mut base = 0;
    while base < n {
        let block: &[u8; 64] = match b.get(base..base + 64).and_then(|s| s.try_into().ok()) {
            Some(full) => full,
            None => {
                // Zero bytes are of no class: the padding ends any key run.
                pad.fill(0);
                pad[..n - base].copy_from_slice(&b[base..]);
                &pad
            }
        };
        let m = masks(block);
        let starts = m.upper & ((m.space << 1) | space_before);
        let (sum, c1) = m.key.overflowing_add(starts);
        let (sum, c2) = sum.overflowing_add(u64::from(carry));
        carry = c1 || c2;
        let mut events = (sum & !m.key & m.equals) | m.newline;
        while events != 0 {
            let bit = events.trailing_zeros() as usize;
            events &= events - 1;
            let pos = base + bit;
            if m.newline >> bit & 1 == 1 {
                let had = current.take().map(|(v, wanted)| {
                    if wanted {
                        visit.value(trimmed(v, pos));
                    }
                });
                visit.line_end(had.is_some());
                continue;
            }
            let below = starts & ((1u64 << bit) - 1);
            let start = match below {
                0 => last_start,
                _ => base + 63 - below.leading_zeros() as usize,
            };
            if let Some((v, true)) = current {
                visit.value(trimmed(v, start));
            }
            current = Some((pos + 1, visit.key(&text[start..pos])));
        }
        if starts != 0 {
            last_start = base + 63 - starts.leading_zeros() as usize;
        }
        space_before = m.space >> 63;
        base += 64;
    }
    if let Some((v, wanted)) = current {
        if wanted {
            visit.value(trimmed(v, n));
        }
        visit.line_end(true);
    } else if n > 0 && b[n - 1] != b'\n' {
        visit.line_end(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn events(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        scan_text(text, |e| {
            out.push(match e {
                Event::Key(k, v) => format!("{k}={v}"),
                Event::LineEnd(had) => format!("<{had}>"),
            })
        });
        out
    }

    #[test]
    fn keys_values_and_line_ends() {
        assert_eq!(
            events("A=1 lower=x B.c/d:e_f=two words  C=\nno keys\r\nZ==1 Q=a\u{c}R.1="),
            [
                "A=1 lower=x",
                "B.c/d:e_f=two words",
                "C=",
                "<true>",
                "<false>",
                "Z==1",
                "Q=a",
                "R.1=",
                "<true>"
            ]
        );
        assert!(events("").is_empty());
        assert_eq!(events("\n\n"), ["<false>", "<false>"]);
        assert_eq!(events("K=v\r\n"), ["K=v", "<true>"]);
    }

    #[test]
    fn keys_and_values_straddle_blocks() {
        // A key of 100 characters starting at byte 60, and a value across several blocks.
        let long_key = format!("K{}", "e".repeat(99));
        let text = format!("{}{long_key}=v {} X=1\n", " ".repeat(60), "w ".repeat(50));
        let got = events(&text);
        assert_eq!(got.len(), 3);
        assert_eq!(
            got[0],
            format!("{long_key}=v {}", "w ".repeat(50).trim_end())
        );
        assert_eq!(got[1..], ["X=1", "<true>"]);
        // A key starting exactly at a block boundary, after whitespace ending the last block.
        let text = format!("{}A=1", " ".repeat(64));
        assert_eq!(events(&text), ["A=1", "<true>"]);
    }

    proptest! {
        #[test]
        fn vector_masks_equal_the_byte_by_byte_masks(bytes in proptest::collection::vec(any::<u8>(), 64)) {
            let block: [u8; 64] = bytes.try_into().unwrap();
            #[cfg(target_arch = "x86_64")]
            {
                if std::arch::is_x86_feature_detected!("avx2") {
                    // SAFETY: the CPU has AVX2.
                    prop_assert_eq!(unsafe { masks_avx2(&block) }, masks_scalar(&block));
                }
                if std::arch::is_x86_feature_detected!("avx512bw") {
                    // SAFETY: the CPU has AVX-512BW.
                    prop_assert_eq!(unsafe { masks_avx512(&block) }, masks_scalar(&block));
                }
            }
        }
    }
}
