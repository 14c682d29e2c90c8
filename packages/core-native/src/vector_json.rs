//! Vectors as JSON text with float32 precision: the shortest decimal that reads back as the same
//! float32, spelled as JavaScript's `Number.prototype.toString` spells it. Every surface prints
//! vectors through this one function (the command's output and the server's answers too), so a
//! vector looks the same whichever language wrote it; a float64 formatter would add nine
//! meaningless digits to each number, and a JavaScript loop was the server's largest cost.

/// `[x0,x1,...]`; a non-finite value (no embedding holds one) is `null`, as JSON has no NaN.
pub fn vector_to_json(v: &[f32]) -> String {
    // About 11 bytes a number for unit vectors ("-0.01234567,").
    let mut out = String::with_capacity(2 + v.len() * 12);
    let mut shortest = zmij::Buffer::new();
    out.push('[');
    for (i, &x) in v.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_number(&mut out, &mut shortest, x);
    }
    out.push(']');
    out
}

/// One number in JavaScript's spelling: fixed notation for decimal exponents -7 < e < 21, else
/// `d.ddde±x`; `-0` stays `-0` so that the text reads back bit-identical.
fn push_number(out: &mut String, shortest: &mut zmij::Buffer, x: f32) {
    if !x.is_finite() {
        out.push_str("null");
        return;
    }
    if x == 0.0 {
        out.push_str(if x.is_sign_negative() { "-0" } else { "0" });
        return;
    }
    // zmij (serde_json's formatter, Schubfach) finds the shortest digits that round-trip as an
    // f32, ~5x faster than `{:e}`. Its fixed notation ("0.0123", "12.5", "1230.0": decimal
    // exponents -6 to 12) is JavaScript's but for the ".0"; the rest, spelled "1.5e-07", is read
    // back into digits and an exponent and written out as JavaScript writes it.
    let spelled = shortest.format_finite(x);
    if !spelled.contains('e') {
        out.push_str(spelled.strip_suffix(".0").unwrap_or(spelled));
        return;
    }
    let (digits, n) = decimal(spelled.trim_start_matches('-'));
    let digits = &digits.0[..digits.1];
    let k = digits.len() as i32;
    if x < 0.0 {
        out.push('-');
    }
    // The value is 0.d1...dk x 10^n (ECMA-262 Number::toString's k and n).
    if k <= n && n <= 21 {
        out.push_str(text(digits));
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        out.push_str(text(&digits[..n as usize]));
        out.push('.');
        out.push_str(text(&digits[n as usize..]));
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(text(digits));
    } else {
        out.push_str(text(&digits[..1]));
        if k > 1 {
            out.push('.');
            out.push_str(text(&digits[1..]));
        }
        out.push_str(if n > 0 { "e+" } else { "e-" });
        let e = (n - 1).unsigned_abs();
        if e >= 10 {
            out.push((b'0' + (e / 10) as u8) as char);
        }
        out.push((b'0' + (e % 10) as u8) as char);
    }
}

fn text(digits: &[u8]) -> &str {
    std::str::from_utf8(digits).expect("ASCII digits")
}

/// Significant digits (no leading or trailing zeros) and n, for a positive number spelled
/// `123.45`, `0.00123`, `1230.0` or `1.23e+33`: the value is 0.DIGITS x 10^n.
fn decimal(spelled: &str) -> (([u8; 16], usize), i32) {
    let (mantissa, exp10) = match spelled.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().expect("an exponent")),
        None => (spelled, 0),
    };
    let point = mantissa.find('.').unwrap_or(mantissa.len()) as i32;
    let mut digits = [0u8; 16];
    let mut len = 0;
    let mut n = point + exp10;
    for &b in mantissa.as_bytes().iter().filter(|&&b| b != b'.') {
        if len == 0 && b == b'0' {
            n -= 1; // a leading zero: 0.00123 is 0.123 x 10^-2
            continue;
        }
        digits[len] = b;
        len += 1;
    }
    while len > 1 && digits[len - 1] == b'0' {
        len -= 1;
    }
    ((digits, len), n)
}

#[cfg(test)]
mod tests {
    use super::vector_to_json;

    #[test]
    fn numbers_are_spelled_as_javascript_spells_them() {
        let cases: &[(f32, &str)] = &[
            (0.25, "0.25"),
            (-1.5, "-1.5"),
            (0.1, "0.1"),
            (1.0, "1"),
            (100.0, "100"),
            (123456.79, "123456.79"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (3.4028235e38, "3.4028235e+38"),
            (0.000001, "0.000001"),
            (1.5e-7, "1.5e-7"),
            (-1e-7, "-1e-7"),
            (1e-45, "1e-45"),
            (0.0, "0"),
            (-0.0, "-0"),
            (f32::NAN, "null"),
            (f32::INFINITY, "null"),
        ];
        for &(x, want) in cases {
            assert_eq!(vector_to_json(&[x]), format!("[{want}]"), "{x:e}");
        }
        assert_eq!(vector_to_json(&[]), "[]");
        assert_eq!(vector_to_json(&[1.0, -0.5, 0.0]), "[1,-0.5,0]");
    }

    #[test]
    fn every_number_reads_back_as_the_same_float32() {
        // A spread of magnitudes and bit patterns, each parsed back through f64 as a JSON reader does.
        let mut bits: u32 = 0x3c23d70a;
        for _ in 0..200_000 {
            bits = bits.wrapping_mul(1664525).wrapping_add(1013904223);
            let x = f32::from_bits(bits);
            if !x.is_finite() {
                continue;
            }
            let text = vector_to_json(&[x]);
            let back: f64 = text[1..text.len() - 1].parse().expect("a JSON number");
            assert_eq!((back as f32).to_bits(), x.to_bits(), "{x:e} -> {text}");
        }
    }
}
