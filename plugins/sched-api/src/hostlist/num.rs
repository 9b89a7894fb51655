//! Decimal helpers shared by expansion and compression: digit strings to numbers and numbers
//! back to zero-padded text, without going through `format!` for every name.

/// The value of a string of ASCII digits, or `None` when it does not fit in a `u128`.
pub(crate) fn parse_digits(d: &str) -> Option<u128> {
    d.bytes().try_fold(0u128, |acc, c| {
        acc.checked_mul(10)?
            .checked_add(u128::from(c.wrapping_sub(b'0')))
    })
}

/// Number of decimal digits of `v` (`0` has one).
pub(crate) fn digit_count(mut v: u128) -> usize {
    let mut n = 1;
    while v >= 10 {
        v /= 10;
        n += 1;
    }
    n
}

/// Appends `v` in decimal, left-padded with zeros to `width` characters.
pub(crate) fn push_padded(out: &mut String, v: u128, width: usize) {
    // u128::MAX has 39 digits.
    let mut buf = [0u8; 39];
    let mut i = buf.len();
    let mut rest = v;
    loop {
        i -= 1;
        buf[i] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let digits = buf.len() - i;
    for _ in digits..width {
        out.push('0');
    }
    for &b in &buf[i..] {
        out.push(char::from(b));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_overflow() {
        assert_eq!(parse_digits("007"), Some(7));
        assert_eq!(parse_digits("0"), Some(0));
        assert_eq!(parse_digits(&u128::MAX.to_string()), Some(u128::MAX));
        assert_eq!(
            parse_digits("340282366920938463463374607431768211456"),
            None
        );
        // Leading zeros do not count against the range.
        assert_eq!(
            parse_digits("0000000000000000000000000000000000000000001"),
            Some(1)
        );
    }

    #[test]
    fn padding() {
        let mut s = String::new();
        push_padded(&mut s, 7, 3);
        s.push(' ');
        push_padded(&mut s, 1234, 2);
        s.push(' ');
        push_padded(&mut s, 0, 1);
        s.push(' ');
        push_padded(&mut s, u128::MAX, 0);
        assert_eq!(s, format!("007 1234 0 {}", u128::MAX));
        assert_eq!(digit_count(0), 1);
        assert_eq!(digit_count(10), 2);
        assert_eq!(digit_count(u128::MAX), 39);
    }
}
