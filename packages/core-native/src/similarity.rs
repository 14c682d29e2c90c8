//! Vector maths shared by every binding, so all languages compute the same numbers.
//! Sums accumulate in f64: 1024-dimensional f32 sums otherwise drift in the 6th digit.

use crate::error::{err, ErrorCode, Result};

fn check_same_len(a: &[f32], b: &[f32]) -> Result<()> {
    if a.len() != b.len() {
        return err(ErrorCode::DimensionMismatch, format!("vectors have different dimensions: {} and {}", a.len(), b.len()));
    }
    Ok(())
}

fn dot64(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| *x as f64 * *y as f64).sum()
}

fn norm64(a: &[f32]) -> f64 {
    dot64(a, a).sqrt()
}

/// Dot product; `DIMENSION_MISMATCH` when the lengths differ.
pub fn try_dot_product(a: &[f32], b: &[f32]) -> Result<f32> {
    check_same_len(a, b)?;
    Ok(dot64(a, b) as f32)
}

/// Cosine similarity in [-1, 1]; 0 when either vector is all zeros (it has no direction).
/// `DIMENSION_MISMATCH` when the lengths differ.
pub fn try_cosine_similarity(a: &[f32], b: &[f32]) -> Result<f32> {
    check_same_len(a, b)?;
    let denom = norm64(a) * norm64(b);
    if denom == 0.0 {
        return Ok(0.0);
    }
    Ok((dot64(a, b) / denom).clamp(-1.0, 1.0) as f32)
}

/// The vector scaled to unit L2 length; an all-zero vector comes back unchanged.
pub fn normalize(v: &[f32]) -> Vec<f32> {
    let n = norm64(v);
    if n == 0.0 || !n.is_finite() {
        return v.to_vec();
    }
    v.iter().map(|x| (*x as f64 / n) as f32).collect()
}

pub(crate) fn normalize_in_place(v: &mut [f32]) {
    let n = norm64(v);
    if n > 0.0 && n.is_finite() {
        v.iter_mut().for_each(|x| *x = (*x as f64 / n) as f32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_of_parallel_orthogonal_and_opposite() {
        assert!((try_cosine_similarity(&[1.0, 2.0], &[2.0, 4.0]).unwrap() - 1.0).abs() < 1e-6);
        assert!(try_cosine_similarity(&[1.0, 0.0], &[0.0, 3.0]).unwrap().abs() < 1e-6);
        assert!((try_cosine_similarity(&[1.0, 1.0], &[-1.0, -1.0]).unwrap() + 1.0).abs() < 1e-6);
    }

    #[test]
    fn zero_vectors_have_zero_similarity_and_normalize_to_themselves() {
        assert_eq!(try_cosine_similarity(&[0.0, 0.0], &[1.0, 2.0]).unwrap(), 0.0);
        assert_eq!(normalize(&[0.0, 0.0]), vec![0.0, 0.0]);
    }

    #[test]
    fn mismatched_dimensions_are_a_typed_error() {
        let e = try_cosine_similarity(&[1.0], &[1.0, 2.0]).unwrap_err();
        assert_eq!(e.code(), ErrorCode::DimensionMismatch);
        assert_eq!(try_dot_product(&[1.0], &[]).unwrap_err().code(), ErrorCode::DimensionMismatch);
    }

    #[test]
    fn normalize_gives_unit_length_and_dot_equals_cosine() {
        let a = normalize(&[3.0, 4.0]);
        assert!((a[0] - 0.6).abs() < 1e-7 && (a[1] - 0.8).abs() < 1e-7);
        let b = normalize(&[1.0, -2.0]);
        let cos = try_cosine_similarity(&[3.0, 4.0], &[1.0, -2.0]).unwrap();
        assert!((try_dot_product(&a, &b).unwrap() - cos).abs() < 1e-6);
    }

    #[test]
    fn empty_vectors_are_allowed_and_give_zero() {
        assert_eq!(try_dot_product(&[], &[]).unwrap(), 0.0);
        assert_eq!(try_cosine_similarity(&[], &[]).unwrap(), 0.0);
    }
}
