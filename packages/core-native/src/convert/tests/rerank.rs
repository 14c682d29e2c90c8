//! A cross-encoder (tools/models/make_test_models.py's `bert-reranker`, laid out as
//! sentence-transformers saves cross-encoder/ms-marco-MiniLM-L6-v2) converted and ranked: the
//! scores must be reference.py's float64 forward pass on the HF folder, token types included.

use std::sync::Arc;

use serde_json::Value;

use super::scratch;
use super::variants::{testdata, variant_dir};
use crate::api::{ContextParams, EmbedOptions, OverflowPolicy, RankOptions};
use crate::convert::gguf::GgufValue;
use crate::convert::*;
use crate::error::ErrorCode;
use crate::{Context, Model};

/// Converts a variant into a folder of this test's own (tests run in parallel).
fn convert_variant(name: &str, out: ConvertType, test: &str) -> (std::path::PathBuf, ConvertReport, Vec<String>) {
    let dst = scratch(&format!("rerank-{test}-{name}-{}", out.as_str())).join(format!("{name}.gguf"));
    let (rep, notes) = convert_with_notes(&variant_dir(name), &dst, &ConvertOptions { r#type: out, name: None }).unwrap();
    (dst, rep, notes)
}

/// reference/variant-bert-reranker.json, grouped by query in file order.
fn reference() -> Vec<(String, Vec<Value>)> {
    let path = testdata().join("reference/variant-bert-reranker.json");
    let refs: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut groups: Vec<(String, Vec<Value>)> = Vec::new();
    for item in refs["items"].as_array().unwrap() {
        let q = item["query"].as_str().unwrap().to_string();
        match groups.last_mut() {
            Some((last, items)) if *last == q => items.push(item.clone()),
            _ => groups.push((q, vec![item.clone()])),
        }
    }
    groups
}

fn context(gguf: &std::path::Path, params: ContextParams) -> Context {
    let model = Arc::new(Model::load(gguf).unwrap_or_else(|e| panic!("{}: {e}", gguf.display())));
    Context::new(model, ContextParams { n_threads: 2, flash_attention: false, ..params }).unwrap()
}

/// Ranks every reference query and checks each logit, the token counts and (`exact`) the order:
/// with f16 weights two documents 0.013 apart may swap.
fn check_scores(ctx: &Context, tolerance: f64, exact: bool) {
    for (query, items) in reference() {
        let docs: Vec<String> = items.iter().map(|i| i["document"].as_str().unwrap().to_string()).collect();
        let results = crate::api::ContextApi::rank(ctx, &query, &docs, RankOptions::default()).unwrap();
        assert_eq!(results.len(), docs.len());
        for r in &results {
            let want = &items[r.index];
            let logit = want["logit"].as_f64().unwrap();
            assert!((r.logit as f64 - logit).abs() < tolerance, "{query:?} / {:?}: logit {} vs reference {logit}", docs[r.index], r.logit);
            assert!((r.score as f64 - want["score"].as_f64().unwrap()).abs() < tolerance);
            assert_eq!(r.tokens, want["tokens"].as_array().unwrap().len(), "{:?}", docs[r.index]);
            assert!(!r.truncated && r.document.is_none());
            // Not what llama.cpp computes with every token as type 0: the document is type 1.
            assert!((r.logit as f64 - want["logit_type0"].as_f64().unwrap()).abs() > 0.1);
        }
        if !exact {
            continue;
        }
        let mut order: Vec<usize> = (0..items.len()).collect();
        order.sort_by(|&a, &b| items[b]["logit"].as_f64().unwrap().total_cmp(&items[a]["logit"].as_f64().unwrap()));
        assert_eq!(results.iter().map(|r| r.index).collect::<Vec<_>>(), order, "{query:?}");
    }
}

#[test]
fn a_cross_encoder_converts_to_rank_pooling_and_scores_as_the_reference() {
    let (gguf, _, notes) = convert_variant("bert-reranker", ConvertType::F32, "scores");
    assert!(notes.is_empty(), "{notes:?}");
    let m = read_metadata(&gguf).unwrap();
    assert_eq!(m.get("bert.pooling_type"), Some(&GgufValue::U32(4)));
    match m.get("bert.classifier.output_labels") {
        Some(GgufValue::Array(_, labels)) => assert_eq!(labels, &[GgufValue::Str("LABEL_0".into())]),
        other => panic!("output labels: {other:?}"),
    }
    for t in ["cls.weight", "cls.bias", "cls.output.weight", "cls.output.bias"] {
        assert!(m.tensor(t).is_some(), "{t}");
    }
    let ctx = context(&gguf, ContextParams::default());
    assert!(ctx.model().info().is_reranker);
    check_scores(&ctx, 1e-4, true);
    // Pairs share micro-batches: a budget of 16 tokens runs each pair alone; same scores.
    check_scores(&context(&gguf, ContextParams { n_batch: 16, ..Default::default() }), 1e-4, true);
    // Half-precision weights (and flash attention): scores within 0.02 (measured: 0.0093 at
    // most; this classifier's weights are large, std 3, so it magnifies rounding).
    let (gguf, ..) = convert_variant("bert-reranker", ConvertType::F16, "scores");
    check_scores(&context(&gguf, ContextParams { flash_attention: true, ..Default::default() }), 2e-2, false);
}

#[test]
fn rank_options_and_errors() {
    let (gguf, ..) = convert_variant("bert-reranker", ConvertType::F32, "options");
    let ctx = context(&gguf, ContextParams { n_ctx: 16, ..Default::default() });
    let rank = |q: &str, docs: &[&str], opts: RankOptions| {
        let docs: Vec<String> = docs.iter().map(|d| d.to_string()).collect();
        crate::api::ContextApi::rank(&ctx, q, &docs, opts)
    };
    let docs = ["a recipe for spaghetti", "the cat is in the house", "tell me how to cook", "pasta"];
    let all = rank("how do i cook pasta", &docs, RankOptions::default()).unwrap();
    let top = rank("how do i cook pasta", &docs, RankOptions { top_n: Some(2), return_documents: true, overflow: None }).unwrap();
    assert_eq!(top.len(), 2);
    for (t, a) in top.iter().zip(&all) {
        assert_eq!((t.index, t.logit), (a.index, a.logit));
        assert_eq!(t.document.as_deref(), Some(docs[t.index]));
    }
    assert!(rank("q", &[], RankOptions::default()).unwrap().is_empty());
    let code = |r: crate::Result<Vec<crate::api::RankResult>>| r.unwrap_err().code();
    assert_eq!(code(rank("", &docs, RankOptions::default())), ErrorCode::EmptyInput);
    assert_eq!(code(rank("   ", &docs, RankOptions::default())), ErrorCode::EmptyInput);
    let e = rank("cook", &["pasta", ""], RankOptions::default()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::EmptyInput);
    assert!(e.message().contains("text 1"), "{e}");
    assert_eq!(code(rank("cook", &docs, RankOptions { top_n: Some(0), ..Default::default() })), ErrorCode::InvalidArgument);
    // 16 tokens: query (5 + 3 special) and document together overflow.
    let long = "the cat is in the house and the dog is in the car with a book";
    assert_eq!(code(rank("how do i cook pasta", &[long], RankOptions::default())), ErrorCode::InputTooLong);
    for overflow in [OverflowPolicy::TruncateEnd, OverflowPolicy::TruncateStart] {
        let r = rank("how do i cook pasta", &[long], RankOptions { overflow: Some(overflow), ..Default::default() }).unwrap();
        assert!(r[0].truncated && r[0].tokens == 16, "{overflow:?}: {r:?}");
    }
    let q_too_long = "how do i cook pasta and spaghetti with water and fire in the house";
    let e = rank(q_too_long, &["pasta"], RankOptions { overflow: Some(OverflowPolicy::TruncateEnd), ..Default::default() }).unwrap_err();
    assert!(e.code() == ErrorCode::InputTooLong && e.message().contains("no room for a document"), "{e}");
    // A reranker computes no embeddings, and an embedding model does not rank.
    assert_eq!(ctx.embed(&["pasta"], EmbedOptions::default()).unwrap_err().code(), ErrorCode::ModelUnsupported);
    let (embedder, ..) = convert_variant("bert-pooler-cls", ConvertType::F32, "options");
    let ectx = context(&embedder, ContextParams::default());
    assert!(!ectx.model().info().is_reranker);
    let e = crate::api::ContextApi::rank(&ectx, "q", &["d".to_string()], RankOptions::default()).unwrap_err();
    assert!(e.code() == ErrorCode::ModelUnsupported && e.message().contains("not a reranker"), "{e}");
    ctx.close();
    assert_eq!(code(rank("q", &docs, RankOptions::default())), ErrorCode::ContextClosed);
}
