//! Every pooling strategy on the tiny encoder and the tiny decoder against the independent
//! numpy forward pass (tools/models/reference.py), which reads only the Hugging Face folders.

mod common;
use common::*;
use mullama_core::{normalize, ContextParams, EmbedOptions, ErrorCode, OverflowPolicy, PoolingStrategy};

fn check_model(name: &str, strategies: &[(PoolingStrategy, &str)], params: ContextParams, tol: f32) {
    let ctx = context(name, params);
    let refs = reference(name);
    for item in &refs {
        assert_eq!(ctx.model().tokens_for(&item.text, usize::MAX, OverflowPolicy::Error).unwrap().tokens, item.tokens, "{name}: tokens of {:?}", item.text);
    }
    let texts: Vec<&str> = refs.iter().map(|r| r.text.as_str()).collect();
    for &(strategy, key) in strategies {
        let got = ctx.embed(&texts, EmbedOptions { pooling: Some(strategy), normalize: Some(false), ..Default::default() }).unwrap();
        let mut worst = 0f32;
        for (item, emb) in refs.iter().zip(&got) {
            // Compared as directions (L2-normalised), which is how embeddings are used; ggml's
            // fp16 GELU table puts raw components of the tiny random model ~1e-4 apart.
            let diff = max_abs_diff(&normalize(&emb.data), &normalize(&item.vector(key)));
            worst = worst.max(diff);
            assert!(diff <= tol, "{name} {strategy:?} {:?}: max abs diff {diff} > {tol}", item.text);
        }
        eprintln!("{name} {strategy:?}: worst max abs diff {worst:.2e} (tolerance {tol:.0e})");
    }
}

/// The reference computes in f64; with flash attention off llama.cpp keeps K and V in f32,
/// so the only approximation left is ggml's fp16 GELU table, which the reference reproduces.
fn exact() -> ContextParams {
    ContextParams { flash_attention: false, ..Default::default() }
}

const ALL: [(PoolingStrategy, &str); 5] = [
    (PoolingStrategy::Mean, "mean"),
    (PoolingStrategy::First, "first"),
    (PoolingStrategy::Last, "last"),
    (PoolingStrategy::Max, "max"),
    (PoolingStrategy::Native, "native"),
];

#[test]
fn tiny_encoder_every_strategy_matches_reference() {
    check_model("tiny-bert", &ALL, exact(), 1e-4);
}

#[test]
fn tiny_decoder_every_strategy_but_native_matches_reference() {
    check_model("tiny-llama", &ALL[..4], exact(), 1e-4);
}

/// The default configuration (flash attention, f16 K/V inside attention) stays close too.
#[test]
fn default_params_stay_close_to_reference() {
    check_model("tiny-bert", &ALL, ContextParams::default(), 1e-3);
    check_model("tiny-llama", &ALL[..4], ContextParams::default(), 1e-3);
}

#[test]
fn native_on_a_decoder_is_a_typed_error_naming_what_works() {
    let ctx = context("tiny-llama", ContextParams::default());
    let e = ctx.embed(&["Hello"], EmbedOptions { pooling: Some(PoolingStrategy::Native), ..Default::default() }).unwrap_err();
    assert_eq!(e.code(), ErrorCode::PoolingUnsupported);
    for name in ["Mean", "First", "Last", "Max"] {
        assert!(e.message().contains(name), "{e}");
    }
}
