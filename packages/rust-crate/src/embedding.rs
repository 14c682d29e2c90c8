//! Vector helpers: `cosine_similarity`, `dot_product`, `normalize`, `hamming_distance`,
//! `quantization_ranges`, `vector_to_json`.
//!
//! `cosine_similarity` and `dot_product` take vectors (`&[f32]`, `&Vec<f32>`) or embeddings
//! (`&Embedding`, whose spaces are then compared) and return plain numbers, as the docs use them
//! (`println!("{:.4}", cosine_similarity(&a, &b))`), and never panic: vectors of different
//! lengths, or embeddings of different spaces, give `f32::NAN`, which prints as `NaN` and is
//! false in every comparison, so a mix-up can neither crash a program nor pass for a score. The
//! `try_` forms return the IDL's typed `DIMENSION_MISMATCH` or `SPACE_MISMATCH` error instead;
//! use them where a mismatch must be handled.

use crate::Result;
use mullama_core::api::functions;
pub use mullama_core::api::functions::{hamming_distance, quantization_ranges, vector_to_json};
pub use mullama_core::{normalize, Compared, QuantizedVector};

/// Cosine similarity in [-1, 1] (0 when a vector is all zeros): `DIMENSION_MISMATCH` for
/// vectors of different lengths, `SPACE_MISMATCH` for embeddings of different spaces.
pub fn try_cosine_similarity<'a>(a: impl Into<Compared<'a>>, b: impl Into<Compared<'a>>) -> Result<f32> {
    functions::cosine_similarity(a, b)
}

/// Dot product: `DIMENSION_MISMATCH` or `SPACE_MISMATCH` as [`try_cosine_similarity`].
pub fn try_dot_product<'a>(a: impl Into<Compared<'a>>, b: impl Into<Compared<'a>>) -> Result<f32> {
    functions::dot_product(a, b)
}

/// Cosine similarity in [-1, 1] (0 when a vector is all zeros); `NaN` when the vectors have
/// different lengths or the embeddings different spaces (see [`try_cosine_similarity`]).
pub fn cosine_similarity<'a>(a: impl Into<Compared<'a>>, b: impl Into<Compared<'a>>) -> f32 {
    try_cosine_similarity(a, b).unwrap_or(f32::NAN)
}

/// Dot product; `NaN` when the vectors have different lengths or the embeddings different
/// spaces (see [`try_dot_product`]).
pub fn dot_product<'a>(a: impl Into<Compared<'a>>, b: impl Into<Compared<'a>>) -> f32 {
    try_dot_product(a, b).unwrap_or(f32::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mismatched_lengths_never_panic() {
        assert!(cosine_similarity(&[1.0, 2.0], &[1.0]).is_nan());
        assert!(dot_product(&[1.0], &[]).is_nan());
        assert_eq!(try_cosine_similarity(&[1.0, 2.0], &[1.0]).unwrap_err().code(), crate::ErrorCode::DimensionMismatch);
        assert_eq!(dot_product(&[1.0, 2.0], &[3.0, 4.0]), 11.0);
    }

    #[test]
    fn embeddings_of_different_spaces_are_not_compared() {
        let e = |space: &str| crate::Embedding {
            data: vec![1.0, 0.0],
            dimension: 2,
            input_tokens: 1,
            tokens: 1,
            truncated: false,
            prompt: None,
            quantized: None,
            space: space.into(),
        };
        let (a, b) = (e("0123456789abcdef"), e("fedcba9876543210"));
        assert!(cosine_similarity(&a, &b).is_nan());
        assert_eq!(try_dot_product(&a, &b).unwrap_err().code(), crate::ErrorCode::SpaceMismatch);
        assert_eq!(cosine_similarity(&a, &a), 1.0);
        assert_eq!(cosine_similarity(&a, &b.data), 1.0, "a plain vector has no space to check");
    }
}
