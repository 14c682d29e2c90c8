//! Quantized embeddings with sentence-transformers' `quantize_embeddings` semantics, so a
//! vector quantized here equals one quantized there from the same floats:
//!
//! - int8/uint8: each dimension's range `[min, max]` is cut into 255 steps of
//!   `(max - min) / 255`; a value becomes `(v - min) / step` (minus 128 for int8), cut toward
//!   zero, all in f32 as numpy computes it. Where numpy's cast wraps a value outside the range
//!   around (130.0 -> -126), ours saturates: a new text past the calibration stays at the end.
//! - binary/ubinary: one bit per dimension, set when the value is > 0, packed 8 to a byte with
//!   the first dimension in the highest bit (`numpy.packbits`); binary stores each byte minus
//!   128 as a signed byte. Each vector is packed on its own, its last byte padded with zeros.

use crate::api::Precision;
use crate::error::{err, Error, ErrorCode, Result};

/// An int8 or uint8 vector (the IDL's `QuantizedVector`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuantizedVector {
    /// `Precision::Int8` and `Precision::Binary`.
    Int8(Vec<i8>),
    /// `Precision::Uint8` and `Precision::Ubinary`.
    Uint8(Vec<u8>),
}

impl QuantizedVector {
    /// The values as bytes (an i8 as its two's-complement byte).
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            QuantizedVector::Int8(v) => {
                // SAFETY: i8 and u8 have the same size and alignment, every bit pattern is valid.
                unsafe { std::slice::from_raw_parts(v.as_ptr().cast::<u8>(), v.len()) }
            }
            QuantizedVector::Uint8(v) => v,
        }
    }

    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Each dimension's minimum, then its maximum, over `vectors` (the `EmbedOptions.ranges` of a
/// calibration sample).
pub fn quantization_ranges<V: AsRef<[f32]>>(vectors: &[V]) -> Result<Vec<f32>> {
    let Some(first) = vectors.first() else {
        return err(ErrorCode::InvalidArgument, "quantizationRanges needs at least one vector");
    };
    let dim = first.as_ref().len();
    let mut lo = first.as_ref().to_vec();
    let mut hi = lo.clone();
    for (i, v) in vectors.iter().enumerate() {
        let v = v.as_ref();
        if v.len() != dim {
            return err(ErrorCode::DimensionMismatch, format!("vector {i} has {} dimensions, vector 0 has {dim}", v.len()));
        }
        if let Some(j) = v.iter().position(|x| !x.is_finite()) {
            return err(ErrorCode::InvalidArgument, format!("vector {i} has a value that is not finite at dimension {j}"));
        }
        for ((l, h), &x) in lo.iter_mut().zip(hi.iter_mut()).zip(v) {
            *l = l.min(x);
            *h = h.max(x);
        }
    }
    lo.extend(hi);
    Ok(lo)
}

/// Checked int8/uint8 calibration: `(starts, steps)`, one per dimension.
fn steps(ranges: &[f32], dim: usize, from_call: bool) -> Result<(Vec<f32>, Vec<f32>)> {
    if ranges.len() != 2 * dim {
        return err(
            ErrorCode::DimensionMismatch,
            format!(
                "ranges has {} values but the vectors have {dim} dimensions; it needs {} (every minimum, then every maximum)",
                ranges.len(),
                2 * dim
            ),
        );
    }
    let (lo, hi) = ranges.split_at(dim);
    for (j, (l, h)) in lo.iter().zip(hi).enumerate() {
        if !(l.is_finite() && h.is_finite() && l < h) {
            let why = if from_call {
                "int8 and uint8 need each dimension's range: pass ranges (quantizationRanges over a sample of your corpus) or embed several different texts in one call".to_string()
            } else {
                format!("ranges must have minimum < maximum, both finite, in every dimension; dimension {j} has {l} and {h}")
            };
            return err(ErrorCode::InvalidArgument, why);
        }
    }
    // numpy: `(ranges[1] - ranges[0]) / 255` in f32.
    Ok((lo.to_vec(), lo.iter().zip(hi).map(|(l, h)| (h - l) / 255.0).collect()))
}

/// Quantizes `vectors` (all of one length) to `precision`; `None` for `Float32`. `ranges`
/// absent: int8/uint8 calibrate on `vectors` themselves.
pub fn quantize<V: AsRef<[f32]>>(vectors: &[V], precision: Precision, ranges: Option<&[f32]>) -> Result<Option<Vec<QuantizedVector>>> {
    let Some(first) = vectors.first() else { return Ok((precision != Precision::Float32).then(Vec::new)) };
    let dim = first.as_ref().len();
    let out = match precision {
        Precision::Float32 => return Ok(None),
        Precision::Int8 | Precision::Uint8 => {
            let own;
            let (ranges, from_call) = match ranges {
                Some(r) => (r, false),
                None => {
                    own = quantization_ranges(vectors)?;
                    (own.as_slice(), true)
                }
            };
            let (starts, steps) = steps(ranges, dim, from_call)?;
            let signed = precision == Precision::Int8;
            vectors
                .iter()
                .map(|v| {
                    let scaled = v.as_ref().iter().zip(&starts).zip(&steps).map(|((x, s), d)| (x - s) / d);
                    if signed {
                        QuantizedVector::Int8(scaled.map(|q| (q - 128.0).clamp(-128.0, 127.0) as i8).collect())
                    } else {
                        QuantizedVector::Uint8(scaled.map(|q| q.clamp(0.0, 255.0) as u8).collect())
                    }
                })
                .collect()
        }
        Precision::Binary | Precision::Ubinary => vectors
            .iter()
            .map(|v| {
                let packed = pack_bits(v.as_ref());
                if precision == Precision::Binary {
                    QuantizedVector::Int8(packed.into_iter().map(|b| b.wrapping_sub(128) as i8).collect())
                } else {
                    QuantizedVector::Uint8(packed)
                }
            })
            .collect(),
    };
    if let Some(i) = vectors.iter().position(|v| v.as_ref().len() != dim) {
        return err(ErrorCode::DimensionMismatch, format!("vector {i} has {} dimensions, vector 0 has {dim}", vectors[i].as_ref().len()));
    }
    Ok(Some(out))
}

/// One bit per value (> 0), the first value in the highest bit of the first byte.
fn pack_bits(v: &[f32]) -> Vec<u8> {
    v.chunks(8).map(|c| c.iter().enumerate().fold(0u8, |b, (i, x)| if *x > 0.0 { b | (0x80 >> i) } else { b })).collect()
}

/// Bits that differ between two packed vectors of the same byte length.
pub fn hamming_distance(a: &QuantizedVector, b: &QuantizedVector) -> Result<u32> {
    // A binary byte is its ubinary byte minus 128: mixing the two would count a flipped high
    // bit in every byte.
    if std::mem::discriminant(a) != std::mem::discriminant(b) {
        return err(
            ErrorCode::InvalidArgument,
            "one vector is signed (int8, binary) and the other unsigned (uint8, ubinary): compare binary with binary or ubinary with ubinary",
        );
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return Err(Error::new(
            ErrorCode::DimensionMismatch,
            format!("packed vectors have different lengths: {} and {} bytes", a.len(), b.len()),
        ));
    }
    Ok(a.iter().zip(b).map(|(x, y)| (x ^ y).count_ones()).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int8_follows_the_numpy_formula_and_saturates_outside_the_range() {
        let ranges = [-1.0, 0.0, 1.0, 2.0]; // dim 2: min -1, 0; max 1, 2
        let q = quantize(&[[0.0f32, 1.0], [1.0, 0.0], [5.0, -3.0]], Precision::Int8, Some(&ranges)).unwrap().unwrap();
        // (0 - -1) / (2/255) - 128 = -0.5 -> 0 (toward zero); (1 - 0) / (2/255) - 128 = -0.5 -> 0.
        assert_eq!(q[0], QuantizedVector::Int8(vec![0, 0]));
        // 2 / (2/255) is 254.99998 in f32, as in numpy: 126, not 127 (numpy gives the same).
        assert_eq!(q[1], QuantizedVector::Int8(vec![126, -128]));
        assert_eq!(q[2], QuantizedVector::Int8(vec![127, -128]));
        let u = quantize(&[[0.0f32, 1.0]], Precision::Uint8, Some(&ranges)).unwrap().unwrap();
        assert_eq!(u[0], QuantizedVector::Uint8(vec![127, 127]));
    }

    #[test]
    fn a_call_calibrates_on_itself_and_refuses_one_vector() {
        let q = quantize(&[[0.0f32], [1.0]], Precision::Int8, None).unwrap().unwrap();
        assert_eq!(q, vec![QuantizedVector::Int8(vec![-128]), QuantizedVector::Int8(vec![126])]);
        let e = quantize(&[[0.5f32, 0.1]], Precision::Uint8, None).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidArgument);
        let e = quantize(&[[0.5f32]], Precision::Int8, Some(&[0.0])).unwrap_err();
        assert_eq!(e.code(), ErrorCode::DimensionMismatch);
    }

    #[test]
    fn binary_packs_sign_bits_high_first() {
        let v = [[1.0f32, -1.0, 0.0, 2.0, 0.0, 0.0, 0.0, 3.0, 4.0]];
        let u = quantize(&v, Precision::Ubinary, None).unwrap().unwrap();
        assert_eq!(u[0], QuantizedVector::Uint8(vec![0b1001_0001, 0b1000_0000]));
        let b = quantize(&v, Precision::Binary, None).unwrap().unwrap();
        assert_eq!(b[0], QuantizedVector::Int8(vec![17, 0]));
        assert_eq!(hamming_distance(&u[0], &QuantizedVector::Uint8(vec![0, 0])).unwrap(), 4);
        // binary and ubinary differ by the same bijection on every byte: distances agree.
        let b2 = quantize(&[[-1.0f32; 9]], Precision::Binary, None).unwrap().unwrap();
        assert_eq!(hamming_distance(&b[0], &b2[0]).unwrap(), 4);
        assert_eq!(hamming_distance(&u[0], &QuantizedVector::Uint8(vec![0])).unwrap_err().code(), ErrorCode::DimensionMismatch);
        assert_eq!(hamming_distance(&u[0], &b[0]).unwrap_err().code(), ErrorCode::InvalidArgument);
    }

    #[test]
    fn float32_has_no_quantized_form() {
        assert_eq!(quantize(&[[1.0f32]], Precision::Float32, None).unwrap(), None);
    }
}
