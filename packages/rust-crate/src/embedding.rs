//! Vector helpers: `cosine_similarity`, `dot_product`, `normalize`.
//!
//! `cosine_similarity` and `dot_product` return plain numbers, as the docs use them; vectors
//! of different lengths are a programming error there and panic with a `DIMENSION_MISMATCH`
//! message. Use the `try_` forms to get a typed [`Error`](crate::Error) instead.

pub use mullama_core::{normalize, try_cosine_similarity, try_dot_product};

/// Cosine similarity in [-1, 1] (0 when a vector is all zeros).
///
/// # Panics
/// When the vectors have different lengths; see [`try_cosine_similarity`].
pub fn cosine_similarity(a: &[f32], b: &[f32]) -> f32 {
    try_cosine_similarity(a, b).unwrap_or_else(|e| panic!("{e}"))
}

/// Dot product.
///
/// # Panics
/// When the vectors have different lengths; see [`try_dot_product`].
pub fn dot_product(a: &[f32], b: &[f32]) -> f32 {
    try_dot_product(a, b).unwrap_or_else(|e| panic!("{e}"))
}
