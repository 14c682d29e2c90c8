//! Vector helpers: `cosine_similarity`, `dot_product`, `normalize`.
//!
//! `cosine_similarity` and `dot_product` return plain numbers, as the docs use them
//! (`println!("{:.4}", cosine_similarity(&a, &b))`), and never panic: vectors of different
//! lengths give `f32::NAN`, which prints as `NaN` and is false in every comparison, so a mix-up
//! can neither crash a program nor pass for a score. The `try_` forms return the IDL's typed
//! `DIMENSION_MISMATCH` error instead; use them where a mismatch must be handled.

pub use mullama_core::{normalize, try_cosine_similarity, try_dot_product};

/// Cosine similarity in [-1, 1] (0 when a vector is all zeros); `NaN` when the vectors have
/// different lengths (see [`try_cosine_similarity`] for the typed error).
pub fn cosine_similarity(a: &[f32], b: &[f32]) -> f32 {
    try_cosine_similarity(a, b).unwrap_or(f32::NAN)
}

/// Dot product; `NaN` when the vectors have different lengths (see [`try_dot_product`]).
pub fn dot_product(a: &[f32], b: &[f32]) -> f32 {
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
}
