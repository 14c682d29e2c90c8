//! The Rust tab of every docs page lives in `examples/`, one example per tab; the docs test
//! (`docs/test/snippets.test.mjs`) runs each built example in a folder holding the default model.
//! This library only holds what the examples' hidden checks share.

/// Panics unless `a` and `b` are within `tolerance` of each other (a check the page does not show).
pub fn assert_close(a: f32, b: f32, tolerance: f32) {
    assert!((a - b).abs() <= tolerance, "{a} and {b} differ by more than {tolerance}");
}
