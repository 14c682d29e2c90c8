//! `EmbeddingStream`: results in push order, the same vectors as a plain call, progress that
//! counts computed vectors, a failing batch reported without losing the others.

mod common;

use common::{context, max_abs_diff};
use mullama_core::{ContextParams, EmbedOptions, ErrorCode, OverflowPolicy};

fn texts(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("text number {i} about {}", ["cats", "markets", "rivers"][i % 3])).collect()
}

#[test]
fn batches_come_back_in_push_order_with_the_vectors_of_one_call() {
    let ctx = context("tiny-bert", ContextParams { n_batch: 32, ..Default::default() });
    let all = texts(40);
    let whole = ctx.embed(&all, EmbedOptions::default()).unwrap();
    let s = mullama_core::ContextApi::stream(&ctx, EmbedOptions::default()).unwrap();
    let (window, mut got) = (3, Vec::new());
    for chunk in all.chunks(7) {
        s.push(chunk).unwrap();
        assert!(s.progress().pending <= window);
        if s.progress().pending == window {
            got.extend(s.next().unwrap());
        }
    }
    while s.progress().pending > 0 {
        got.extend(s.next().unwrap());
    }
    assert!(s.next().unwrap().is_empty(), "nothing pending: an empty batch");
    assert_eq!(got.len(), all.len());
    for (a, b) in got.iter().zip(&whole) {
        assert!(max_abs_diff(&a.data, &b.data) < 1e-4, "same vectors as one call");
        assert_eq!(a.space, b.space);
    }
    let p = s.progress();
    assert_eq!((p.pushed, p.embedded, p.delivered, p.pending), (40, 40, 40, 0));
    assert_eq!(p.tokens, got.iter().map(|e| e.tokens as u64).sum::<u64>());
}

#[test]
fn a_failing_batch_is_reported_in_its_place_and_the_stream_goes_on() {
    let ctx = context("tiny-bert", ContextParams { n_ctx: 16, overflow: OverflowPolicy::Error, ..Default::default() });
    let s = mullama_core::ContextApi::stream(&ctx, EmbedOptions::default()).unwrap();
    s.push(&["ab", "cd"]).unwrap();
    s.push(&["ef", "this text is much too long for sixteen tokens of context"]).unwrap();
    s.push(&["gh"]).unwrap();
    assert_eq!(s.next().unwrap().len(), 2);
    let e = s.next().unwrap_err();
    assert_eq!(e.code(), ErrorCode::InputTooLong);
    assert!(e.message().starts_with("the batch of texts 2 to 3: text 1: "), "{}", e.message());
    assert_eq!(s.next().unwrap().len(), 1);
    assert_eq!(s.progress().embedded, 3);
}

#[test]
fn bad_options_fail_at_once_and_a_closed_context_refuses_pushes() {
    let ctx = context("tiny-bert", ContextParams::default());
    let bad = mullama_core::ContextApi::stream(&ctx, EmbedOptions { dimensions: Some(0), ..Default::default() });
    assert_eq!(bad.err().unwrap().code(), ErrorCode::InvalidArgument);
    let s = mullama_core::ContextApi::stream(&ctx, EmbedOptions::default()).unwrap();
    ctx.close();
    assert_eq!(s.push(&["x"]).unwrap_err().code(), ErrorCode::ContextClosed);
}
