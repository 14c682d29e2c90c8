//! Model fingerprints and embedding spaces: stable for the same weights and options, different
//! when any part differs, and checked by the similarity functions.

mod common;

use common::{context, model, testdata};
use mullama_core::api::functions::cosine_similarity;
use mullama_core::{Context, ContextParams, EmbedOptions, ErrorCode, Model, PoolingStrategy, Precision};
use std::sync::Arc;

fn space(ctx: &Context, opts: EmbedOptions) -> String {
    ctx.embed(&["hello world"], opts).unwrap().remove(0).space
}

#[test]
fn a_fingerprint_is_stable_and_names_the_weights() {
    let a = model("tiny-bert").info().fingerprint.clone();
    assert_eq!(a.len(), 16);
    assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(model("tiny-bert").info().fingerprint, a, "stable across loads");
    assert_ne!(model("tiny-llama").info().fingerprint, a);

    // One byte of the first tensor changed: a different model, a different fingerprint.
    let src = testdata().join("tiny-bert.gguf");
    let meta = mullama_core::convert::read_metadata(&src).unwrap();
    let at = (meta.data_offset + meta.tensors[0].offset) as usize;
    let mut bytes = std::fs::read(&src).unwrap();
    bytes[at] ^= 0x01;
    let copy = std::env::temp_dir().join(format!("mullama-fingerprint-{}.gguf", std::process::id()));
    std::fs::write(&copy, &bytes).unwrap();
    let changed = Model::load(&copy).map(|m| m.info().fingerprint.clone());
    let _ = std::fs::remove_file(&copy);
    assert_ne!(changed.unwrap(), a);
}

#[test]
fn every_part_of_the_space_changes_it() {
    let ctx = context("tiny-bert", ContextParams::default());
    let base = space(&ctx, EmbedOptions::default());
    assert_eq!(space(&context("tiny-bert", ContextParams { n_threads: 1, ..Default::default() }), EmbedOptions::default()), base, "threads are not part of it");
    let variants = [
        EmbedOptions { pooling: Some(PoolingStrategy::First), ..Default::default() },
        EmbedOptions { normalize: Some(true), ..Default::default() },
        EmbedOptions { dimensions: Some(32), ..Default::default() },
        EmbedOptions { prompt: Some("query: ".into()), ..Default::default() },
        EmbedOptions { precision: Some(Precision::Ubinary), ..Default::default() },
        EmbedOptions { precision: Some(Precision::Int8), ranges: Some([vec![-1.0; 64], vec![1.0; 64]].concat()), ..Default::default() },
        EmbedOptions { precision: Some(Precision::Int8), ranges: Some([vec![-2.0; 64], vec![2.0; 64]].concat()), ..Default::default() },
    ];
    let mut seen = vec![base];
    for v in variants {
        let s = space(&ctx, v.clone());
        assert!(!seen.contains(&s), "{v:?} gave a space already seen");
        seen.push(s);
    }
    let other = Context::new(model("tiny-llama"), ContextParams::default()).unwrap();
    assert!(!seen.contains(&space(&other, EmbedOptions { pooling: Some(PoolingStrategy::Mean), ..Default::default() })));
}

#[test]
fn embeddings_of_different_spaces_are_not_compared() {
    let ctx = context("tiny-bert", ContextParams::default());
    let m: Arc<Model> = ctx.model().clone();
    let full = ctx.embed(&["a cat", "a dog"], EmbedOptions::default()).unwrap();
    let short = ctx.embed(&["a cat"], EmbedOptions { dimensions: Some(64), normalize: Some(true), ..Default::default() }).unwrap();
    assert_eq!(m.info().dimension, 64);
    // Same length, different spaces (normalised or not): refused, not a number.
    let e = cosine_similarity(&full[0], &short[0]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::SpaceMismatch);
    assert!(cosine_similarity(&full[0], &full[1]).unwrap() < 1.0);
    // A plain vector has no space: compared as numbers.
    assert!((cosine_similarity(&full[0], &short[0].data).unwrap() - 1.0).abs() < 1e-5);
}

#[test]
fn a_models_own_query_and_document_prompts_share_one_space() {
    // tiny-bert converted with sentence-transformers prompts, as e5 declares them.
    let dir = std::env::temp_dir().join(format!("mullama-spaces-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&testdata().join("tiny-bert-hf"), &dir.join("hf"));
    std::fs::write(dir.join("hf/config_sentence_transformers.json"), r#"{"prompts": {"query": "query: ", "document": "passage: "}}"#).unwrap();
    let gguf = dir.join("e5.gguf");
    mullama_core::api::functions::convert_model(dir.join("hf").to_str().unwrap(), gguf.to_str().unwrap(), Default::default()).unwrap();
    let ctx = Context::new(Arc::new(Model::load(&gguf).unwrap()), ContextParams::default()).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let with = |opts: EmbedOptions| ctx.embed(&["the cat sat"], opts).unwrap().remove(0);
    let query = with(EmbedOptions { role: Some(mullama_core::EmbedRole::Query), ..Default::default() });
    let document = with(EmbedOptions { role: Some(mullama_core::EmbedRole::Document), ..Default::default() });
    assert_eq!(query.prompt.as_deref(), Some("query: "));
    assert_eq!(query.space, document.space, "queries are made to be compared with documents");
    assert!(cosine_similarity(&query, &document).is_ok());
    assert_eq!(with(EmbedOptions { prompt: Some("query: ".into()), ..Default::default() }).space, query.space, "the model's own prompt, given by hand");
    assert_ne!(with(EmbedOptions { prompt: Some("summarize: ".into()), ..Default::default() }).space, query.space, "a prompt of your own");
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}
