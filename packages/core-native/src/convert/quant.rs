//! Number formats the converter writes: IEEE half floats and ggml's Q8_0 blocks.
//!
//! Written by hand instead of pulling in the `half` crate: the conversions are a few lines,
//! and the exact rounding rules matter (they must match numpy's `astype(float16)` and ggml's
//! `quantize_row_q8_0_ref`, which is what `convert_hf_to_gguf.py` produces).

/// Elements per Q8_0 block (`QK8_0` in ggml-common.h).
pub const QK8_0: usize = 32;
/// Bytes per Q8_0 block: an f16 scale `d` followed by 32 signed bytes `qs` (`block_q8_0`).
pub const Q8_0_BLOCK_BYTES: usize = 2 + QK8_0;

/// f32 -> IEEE binary16, round to nearest even (what numpy and the F16C instructions do).
pub fn f32_to_f16(value: f32) -> u16 {
    let x = value.to_bits();
    let sign = ((x >> 16) & 0x8000) as u16;
    let exp = (x >> 23) & 0xff;
    let man = x & 0x7f_ffff;

    if exp == 0xff {
        // Inf stays Inf; NaN keeps a quiet-NaN payload so it never collapses into Inf.
        let nan_bits = if man == 0 {
            0
        } else {
            0x0200 | (man >> 13) as u16
        };
        return sign | 0x7c00 | nan_bits;
    }
    let half_exp = exp as i32 - 127 + 15;
    if half_exp >= 0x1f {
        return sign | 0x7c00; // too large: Inf
    }
    if half_exp <= 0 {
        // Result is subnormal (or zero): shift the full 24-bit significand into 10 bits.
        let shift = (14 - half_exp) as u32;
        if shift > 24 {
            return sign; // below half the smallest subnormal: signed zero
        }
        let man = man | 0x80_0000;
        let half_man = man >> shift;
        let round_bit = 1u32 << (shift - 1);
        // Round up when above the halfway point, or exactly halfway and the result is odd.
        let up = (man & round_bit) != 0 && (man & (3 * round_bit - 1)) != 0;
        return sign | (half_man + up as u32) as u16;
    }
    let bits = ((half_exp as u32) << 10) | (man >> 13);
    let round_bit = 0x1000u32;
    let up = (man & round_bit) != 0 && (man & (3 * round_bit - 1)) != 0;
    // A carry out of the mantissa correctly bumps the exponent (and may give Inf).
    sign | (bits + up as u32) as u16
}

/// IEEE binary16 -> f32 (exact).
pub fn f16_to_f32(h: u16) -> f32 {
    let negative = h & 0x8000 != 0;
    let exp = ((h >> 10) & 0x1f) as u32;
    let man = (h & 0x3ff) as u32;
    let magnitude = match exp {
        0 => man as f32 * (1.0 / 16_777_216.0), // subnormal: man * 2^-24
        0x1f => f32::from_bits(0x7f80_0000 | (man << 13)),
        _ => f32::from_bits(((exp + 112) << 23) | (man << 13)),
    };
    if negative {
        -magnitude
    } else {
        magnitude
    }
}

/// bfloat16 -> f32 (exact: bf16 is the upper half of an f32).
pub fn bf16_to_f32(h: u16) -> f32 {
    f32::from_bits((h as u32) << 16)
}

/// Appends `src` as little-endian f16 values.
pub fn encode_f16(src: &[f32], out: &mut Vec<u8>) {
    out.reserve(src.len() * 2);
    for &v in src {
        out.extend_from_slice(&f32_to_f16(v).to_le_bytes());
    }
}

/// Appends `src` as little-endian f32 values.
pub fn encode_f32(src: &[f32], out: &mut Vec<u8>) {
    out.reserve(src.len() * 4);
    for &v in src {
        out.extend_from_slice(&v.to_le_bytes());
    }
}

/// Appends `src` as Q8_0 blocks, following ggml's `quantize_row_q8_0_ref` step by step:
/// `d = max|x| / 127`, `q = roundf(x * (1/d))` (ties away from zero), `d` stored as f16.
/// The caller guarantees `src.len()` is a multiple of `QK8_0` (rows are checked up front).
pub fn quantize_q8_0(src: &[f32], out: &mut Vec<u8>) {
    debug_assert_eq!(src.len() % QK8_0, 0);
    out.reserve(src.len() / QK8_0 * Q8_0_BLOCK_BYTES);
    for block in src.chunks_exact(QK8_0) {
        let amax = block.iter().fold(0.0f32, |m, &v| m.max(v.abs()));
        let d = amax / 127.0;
        let id = if d != 0.0 { 1.0 / d } else { 0.0 };
        out.extend_from_slice(&f32_to_f16(d).to_le_bytes());
        // f32::round rounds half away from zero, like C's roundf.
        out.extend(block.iter().map(|&v| (v * id).round() as i8 as u8));
    }
}

/// Inverse of [`quantize_q8_0`] (`dequantize_row_q8_0`): `x = d * q`. Trailing partial blocks are ignored.
pub fn dequantize_q8_0(bytes: &[u8]) -> Vec<f32> {
    let mut out = Vec::with_capacity(bytes.len() / Q8_0_BLOCK_BYTES * QK8_0);
    for block in bytes.chunks_exact(Q8_0_BLOCK_BYTES) {
        let d = f16_to_f32(u16::from_le_bytes([block[0], block[1]]));
        out.extend(block[2..].iter().map(|&q| d * (q as i8) as f32));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f16_known_values() {
        assert_eq!(f32_to_f16(0.0), 0x0000);
        assert_eq!(f32_to_f16(-0.0), 0x8000);
        assert_eq!(f32_to_f16(1.0), 0x3c00);
        assert_eq!(f32_to_f16(-2.0), 0xc000);
        assert_eq!(f32_to_f16(65504.0), 0x7bff); // largest finite half
        assert_eq!(f32_to_f16(65520.0), 0x7c00); // halfway to the next step rounds to Inf
        assert_eq!(f32_to_f16(1e6), 0x7c00);
        assert_eq!(f32_to_f16(f32::INFINITY), 0x7c00);
        assert_eq!(f32_to_f16(f32::NEG_INFINITY), 0xfc00);
        assert!(f16_to_f32(f32_to_f16(f32::NAN)).is_nan());
        assert_eq!(f32_to_f16(5.960_464_5e-8), 0x0001); // smallest subnormal 2^-24
        assert_eq!(f32_to_f16(2.0f32.powi(-25)), 0x0000); // exactly half of it: ties to even (0)
        assert_eq!(f32_to_f16(2.0f32.powi(-25) * 1.5), 0x0001);
        assert_eq!(f32_to_f16(0.1), 0x2e66);
        // Ties to even in the normal range: 1 + 2^-11 is halfway between 1 and 1 + 2^-10.
        assert_eq!(f32_to_f16(1.0 + 2.0f32.powi(-11)), 0x3c00);
        assert_eq!(f32_to_f16(1.0 + 3.0 * 2.0f32.powi(-11)), 0x3c02);
        assert_eq!(bf16_to_f32(0x3f80), 1.0);
    }

    #[test]
    fn f16_round_trips_every_value() {
        for h in 0..=u16::MAX {
            let f = f16_to_f32(h);
            if f.is_nan() {
                continue;
            }
            assert_eq!(f32_to_f16(f), h, "half {h:#06x} -> {f}");
        }
    }

    #[test]
    fn q8_0_layout_matches_ggml_reference() {
        // Block 1: 0..31 scaled so max |x| = 3.1 -> d = 3.1/127, q_j = round(j * 0.1 * 127/3.1).
        let mut src: Vec<f32> = (0..32).map(|j| j as f32 * 0.1).collect();
        // Block 2: all zero -> d = 0, q = 0 (ggml guards the 1/d).
        src.extend(std::iter::repeat_n(0.0, 32));
        let mut out = Vec::new();
        quantize_q8_0(&src, &mut out);
        assert_eq!(out.len(), 2 * Q8_0_BLOCK_BYTES);

        let d = 3.1f32 / 127.0;
        assert_eq!(&out[0..2], &f32_to_f16(d).to_le_bytes());
        // Hand-computed: j * 0.1 / (3.1/127) = j * 4.0967..., rounded.
        let expect: Vec<i8> = (0..32)
            .map(|j| (j as f32 * 0.1 * (1.0 / d)).round() as i8)
            .collect();
        assert_eq!(expect[1], 4);
        assert_eq!(expect[10], 41);
        assert_eq!(expect[31], 127);
        assert_eq!(
            out[2..34].iter().map(|&b| b as i8).collect::<Vec<_>>(),
            expect
        );
        assert!(out[34..].iter().all(|&b| b == 0));

        // Negative extreme and ties: x = -2 and 0.5*d-step values.
        let mut s2 = vec![0.0f32; 32];
        s2[0] = -127.0; // d = 1, q = -127
        s2[1] = 2.5; // 2.5 rounds away from zero -> 3 (roundf), not to even
        s2[2] = -2.5;
        let mut o2 = Vec::new();
        quantize_q8_0(&s2, &mut o2);
        assert_eq!(u16::from_le_bytes([o2[0], o2[1]]), 0x3c00); // d = 1.0
        assert_eq!(o2[2] as i8, -127);
        assert_eq!(o2[3] as i8, 3);
        assert_eq!(o2[4] as i8, -3);
    }

    #[test]
    fn q8_0_round_trip_error_is_bounded() {
        let src: Vec<f32> = (0..256)
            .map(|i| ((i * 37 % 101) as f32 - 50.0) / 17.0)
            .collect();
        let mut out = Vec::new();
        quantize_q8_0(&src, &mut out);
        let back = dequantize_q8_0(&out);
        assert_eq!(back.len(), src.len());
        for (block, back) in src.chunks(32).zip(back.chunks(32)) {
            let amax = block.iter().fold(0.0f32, |m, &v| m.max(v.abs()));
            // Half a quantization step, plus slack for d being rounded to f16.
            let tol = amax / 127.0 * 0.5 + amax * 1e-3;
            for (a, b) in block.iter().zip(back) {
                assert!((a - b).abs() <= tol, "{a} vs {b}");
            }
        }
    }
}
