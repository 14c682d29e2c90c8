//! Token-level views: every token's vector (`getTokenEmbeddings`) is what the pooled vector is
//! made of, and the offsets of `tokenizeWithOffsets` give back each token's text
//! (tokenizer_parity.rs checks them against Hugging Face `tokenizers` on the edge corpus).

mod common;
use common::*;
use mullama_core::api::ContextApi;
use mullama_core::{ContextParams, EmbedOptions, ErrorCode, PoolingStrategy};

const TEXTS: [&str; 3] = ["Hello, world!", "Café naïve résumé", "how do i cook pasta"];

fn rows(data: &[f32], dim: usize) -> Vec<&[f32]> {
    data.chunks(dim).collect()
}

#[test]
fn token_vectors_pool_into_the_embedding() {
    for (name, pooling) in [("tiny-bert", PoolingStrategy::First), ("tiny-llama", PoolingStrategy::Last)] {
        let ctx = context(name, ContextParams { flash_attention: false, ..Default::default() });
        let texts: Vec<String> = TEXTS.iter().map(|t| t.to_string()).collect();
        let all = ctx.get_token_embeddings(&texts, EmbedOptions::default()).unwrap();
        let raw = |p| EmbedOptions { pooling: Some(p), normalize: Some(false), ..Default::default() };
        let mean = ctx.embed(&TEXTS, raw(PoolingStrategy::Mean)).unwrap();
        let end = ctx.embed(&TEXTS, raw(pooling)).unwrap();
        for ((t, m), e) in all.iter().zip(&mean).zip(&end) {
            assert_eq!(t.data.len(), t.tokens * t.dimension);
            assert_eq!((t.tokens, t.input_tokens, t.truncated), (m.tokens, m.input_tokens, false));
            let r = rows(&t.data, t.dimension);
            let avg: Vec<f32> = (0..t.dimension).map(|j| r.iter().map(|row| row[j]).sum::<f32>() / r.len() as f32).collect();
            assert!(max_abs_diff(&avg, &m.data) < 1e-5, "{name}: mean of the token vectors");
            let row = if pooling == PoolingStrategy::First { r[0] } else { r[r.len() - 1] };
            assert!(max_abs_diff(row, &e.data) < 1e-5, "{name}: {pooling:?} token");
        }
        let unit = ctx.get_token_embeddings(&texts[..1], EmbedOptions { normalize: Some(true), ..Default::default() }).unwrap();
        for row in rows(&unit[0].data, unit[0].dimension) {
            let n: f32 = row.iter().map(|x| x * x).sum::<f32>().sqrt();
            assert!((n - 1.0).abs() < 1e-5, "{name}: each token vector unit length: {n}");
        }
    }
}

#[test]
fn token_embeddings_refuse_pooled_options_and_rerankers() {
    let ctx = context("tiny-bert", ContextParams::default());
    let one = vec!["hello".to_string()];
    for opts in [
        EmbedOptions { pooling: Some(PoolingStrategy::Mean), ..Default::default() },
        EmbedOptions { dimensions: Some(8), ..Default::default() },
        EmbedOptions { max_tokens: Some(0), ..Default::default() },
    ] {
        assert_eq!(ctx.get_token_embeddings(&one, opts).unwrap_err().code(), ErrorCode::InvalidArgument);
    }
    assert_eq!(ctx.get_token_embeddings(&["".to_string()], EmbedOptions::default()).unwrap_err().code(), ErrorCode::EmptyInput);
    assert!(ctx.get_token_embeddings(&[], EmbedOptions::default()).unwrap().is_empty());
    let reranker = context("tiny-reranker", ContextParams::default());
    assert_eq!(reranker.get_token_embeddings(&one, EmbedOptions::default()).unwrap_err().code(), ErrorCode::ModelUnsupported);
}

#[test]
fn offsets_give_back_each_tokens_text() {
    let m = model("all-minilm");
    let text = "Hello, wörld! Café";
    let t = m.tokenize_with_offsets(text).unwrap();
    let ids: Vec<u32> = m.tokenize(text, 0).unwrap();
    assert_eq!(t.iter().map(|t| t.id).collect::<Vec<_>>(), ids);
    assert!(t[0].special && t[0].text == "[CLS]" && t[0].start.is_none());
    assert!(t.last().unwrap().special && t.last().unwrap().text == "[SEP]");
    let spans: Vec<(&str, &str)> =
        t.iter().filter(|t| !t.special).map(|t| (t.text.as_str(), &text[t.start.unwrap()..t.stop.unwrap()])).collect();
    assert_eq!(spans, [("hello", "Hello"), (",", ","), ("world", "wörld"), ("!", "!"), ("cafe", "Café")]);
    // A decoder: its pieces, leading spaces included, cover the text exactly.
    let d = model("smollm2-135m");
    let t = d.tokenize_with_offsets(text).unwrap();
    let covered: String = t.iter().filter(|t| !t.special).map(|t| &text[t.start.unwrap()..t.stop.unwrap()]).collect();
    assert_eq!(covered, text);
    assert_eq!(m.tokenize_with_offsets("").unwrap_err().code(), ErrorCode::EmptyInput);
}
