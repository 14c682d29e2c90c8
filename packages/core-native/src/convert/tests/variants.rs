//! The BERT-family layouts of tools/models/make_test_models.py (`variants/NAME-hf`), converted,
//! loaded by the engine and embedded: token ids and pooled vectors must match reference.py's
//! float64 forward pass on the HF folder (`reference/variant-NAME.json`).

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;

use super::scratch;
use crate::api::{ContextParams, EmbedOptions, EmbedRole, OverflowPolicy, PoolingStrategy};
use crate::error::ErrorCode;
use crate::convert::gguf::GgufValue;
use crate::convert::*;
use crate::{Context, Model};

/// Where scripts/gen-testdata.sh writes the generated models.
pub(super) fn testdata() -> PathBuf {
    let dir = std::env::var_os("MULLAMA_TESTDATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/testdata")));
    assert!(
        dir.join("variants/xlmr-hf/config.json").is_file(),
        "no converter variants in {}: run scripts/gen-testdata.sh (make test does)",
        dir.display()
    );
    dir
}

pub(super) fn variant_dir(name: &str) -> PathBuf {
    testdata().join(format!("variants/{name}-hf"))
}

fn cosine(a: &[f32], b: &[f32]) -> f64 {
    assert_eq!(a.len(), b.len());
    let dot: f64 = a.iter().zip(b).map(|(x, y)| *x as f64 * *y as f64).sum();
    let na: f64 = a.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    dot / (na * nb)
}

/// Converts a variant and returns the GGUF path and the notes.
fn convert_variant(name: &str, out: ConvertType) -> (PathBuf, ConvertReport, Vec<String>) {
    let dir = scratch(&format!("variant-{name}-{}", out.as_str()));
    let dst = dir.join(format!("{name}.gguf"));
    let opts = ConvertOptions { r#type: out, name: None };
    let (rep, notes) = convert_with_notes(&variant_dir(name), &dst, &opts).unwrap_or_else(|e| panic!("{name}: {e}"));
    (dst, rep, notes)
}

/// Embeds every reference text with every pooling the engine computes and compares.
fn check_vectors(name: &str, gguf: &std::path::Path, min_cos: f64) {
    let path = testdata().join(format!("reference/variant-{name}.json"));
    let refs: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let model = Arc::new(Model::load(gguf).unwrap_or_else(|e| panic!("{name}: {e}")));
    // The whole trained context: reference.py never truncates, unlike sentence-transformers at
    // max_seq_length (which the engine would default to).
    let n_ctx = model.info().context_length as u32;
    let ctx = Context::new(model.clone(), ContextParams { n_ctx, n_threads: 2, ..Default::default() }).unwrap();
    let items = refs["items"].as_array().unwrap();
    let texts: Vec<&str> = items.iter().map(|it| it["text"].as_str().unwrap()).collect();
    for (item, text) in items.iter().zip(&texts) {
        let want: Vec<u32> = item["tokens"].as_array().unwrap().iter().map(|t| t.as_u64().unwrap() as u32).collect();
        assert_eq!(model.tokenize(text, 0).unwrap(), want, "{name}: tokens of {text:?}");
    }
    for (strategy, key) in
        [(PoolingStrategy::Mean, "mean"), (PoolingStrategy::First, "first"), (PoolingStrategy::Last, "last"), (PoolingStrategy::Max, "max")]
    {
        // No prompt: reference.py embeds the texts as given (sentence-transformers would put a
        // default prompt in front, which the test below checks).
        let opts = EmbedOptions { pooling: Some(strategy), normalize: Some(false), prompt: Some(String::new()), ..Default::default() };
        let got = ctx.embed(&texts, opts).unwrap();
        for ((item, text), e) in items.iter().zip(&texts).zip(got) {
            let r: Vec<f32> = item["pooled"][key].as_array().unwrap().iter().map(|v| v.as_f64().unwrap() as f32).collect();
            let c = cosine(&e.data, &r);
            assert!(c > min_cos, "{name}: {key} pooling of {text:?}: cosine {c}");
        }
    }
}

/// The recorded prompts as roles use them, as sentence-transformers does: `encode_query` puts
/// `prompts["query"]` first, `encode_document` `prompts["passage"]` (no "document" here), and a
/// plain `encode` the `default_prompt_name` one; the text is tokenized with its prompt.
fn check_prompts(gguf: &std::path::Path) {
    let model = Arc::new(Model::load(gguf).unwrap());
    let info = model.info();
    assert_eq!((info.query_prompt.as_deref(), info.document_prompt.as_deref(), info.default_prompt.as_deref()), (Some("query: "), Some("passage: "), Some("query: ")));
    let ctx = Context::new(model.clone(), ContextParams { n_threads: 2, ..Default::default() }).unwrap();
    let raw = |text: &str| ctx.embed(&[text], EmbedOptions { prompt: Some(String::new()), ..Default::default() }).unwrap().remove(0);
    let with = |role: Option<EmbedRole>, prompt: Option<&str>| {
        ctx.embed(&["Hello, world!"], EmbedOptions { role, prompt: prompt.map(Into::into), ..Default::default() }).unwrap().remove(0)
    };
    for (got, want, prompt) in [
        (with(Some(EmbedRole::Query), None), raw("query: Hello, world!"), Some("query: ")),
        (with(Some(EmbedRole::Document), None), raw("passage: Hello, world!"), Some("passage: ")),
        (with(None, None), raw("query: Hello, world!"), Some("query: ")),
        (with(Some(EmbedRole::Query), Some("custom: ")), raw("custom: Hello, world!"), Some("custom: ")),
        (with(Some(EmbedRole::Query), Some("")), raw("Hello, world!"), None),
    ] {
        assert_eq!(got.data, want.data, "{prompt:?}");
        assert_eq!((got.tokens, got.prompt.as_deref()), (want.tokens, prompt));
    }
    // Truncation keeps the prompt: only the text's tokens are cut, from either end.
    let long = "word ".repeat(200);
    let head = model.tokens_for("query:", usize::MAX, OverflowPolicy::Error).unwrap().tokens; // [CLS] query : [SEP]
    for overflow in [OverflowPolicy::TruncateEnd, OverflowPolicy::TruncateStart] {
        let e = ctx.embed(&[long.as_str()], EmbedOptions { role: Some(EmbedRole::Query), overflow: Some(overflow), ..Default::default() }).unwrap().remove(0);
        assert!(e.truncated && e.tokens == 64, "{overflow:?}");
        let kept = model.tokens_with_prompt("query: ", &long, 64, overflow).unwrap().tokens;
        assert_eq!(kept[..head.len() - 1], head[..head.len() - 1], "{overflow:?}: the prompt stays in front");
    }
    // A text that adds nothing to its prompt is empty.
    assert_eq!(ctx.embed(&["   "], EmbedOptions { role: Some(EmbedRole::Query), ..Default::default() }).unwrap_err().code(), ErrorCode::EmptyInput);
}

fn meta(path: &std::path::Path) -> GgufMetadata {
    read_metadata(path).unwrap()
}

fn get<'a>(m: &'a GgufMetadata, key: &str) -> Option<&'a GgufValue> {
    m.get(key)
}

fn bool_of(m: &GgufMetadata, key: &str) -> Option<bool> {
    m.get(key).and_then(|v| v.as_bool())
}

#[test]
fn pooler_weights_are_dropped_and_cls_pooling_and_prompts_recorded() {
    let (gguf, rep, notes) = convert_variant("bert-pooler-cls", ConvertType::F32);
    assert_eq!(rep.pooling, Some(PoolingStrategy::First));
    assert_eq!(notes, ["skipped 2 tensors that embeddings do not use: pooler.* (2)"]);
    let m = meta(&gguf);
    assert!(m.tensor("pooler.dense.weight").is_none() && m.tensors.len() == 5 + 16 * 2);
    assert_eq!(get(&m, "bert.pooling_type"), Some(&GgufValue::U32(2)));
    assert_eq!(get(&m, "mullama.pooling").and_then(|v| v.as_str()), Some("cls"));
    assert_eq!(bool_of(&m, "mullama.normalize"), Some(false));
    assert_eq!(get(&m, "mullama.max_seq_length"), Some(&GgufValue::U32(64)));
    assert_eq!(get(&m, "mullama.prompt.query").and_then(|v| v.as_str()), Some("query: "));
    assert_eq!(get(&m, "mullama.prompt.passage").and_then(|v| v.as_str()), Some("passage: "));
    assert_eq!(get(&m, "mullama.prompt.empty").and_then(|v| v.as_str()), Some(""));
    assert_eq!(get(&m, "mullama.default_prompt_name").and_then(|v| v.as_str()), Some("query"));
    assert_eq!(get(&m, "tokenizer.ggml.token_type_count"), Some(&GgufValue::U32(2)));
    check_vectors("bert-pooler-cls", &gguf, 0.9999);
    check_prompts(&gguf);
    // Half precision: same tokens, vectors close. (Not Q8_0 here: on CPUs that list AMX but do
    // not grant it, ggml's AMX Q8_0 kernel dies with SIGILL and takes every test with it.)
    let (gguf, ..) = convert_variant("bert-pooler-cls", ConvertType::F16);
    check_vectors("bert-pooler-cls", &gguf, 0.999);
}

#[test]
fn masked_lm_with_prefix_and_cased_vocab_keeps_case() {
    let (gguf, rep, notes) = convert_variant("bert-mlm-cased", ConvertType::F32);
    // Max pooling has no llama.cpp pooling type: only mullama.pooling says it.
    assert_eq!(rep.pooling, Some(PoolingStrategy::Max));
    assert_eq!(notes, ["skipped 10 tensors that embeddings do not use: cls.* (8), pooler.* (2)"]);
    let m = meta(&gguf);
    assert!(get(&m, "bert.pooling_type").is_none());
    assert_eq!(get(&m, "mullama.pooling").and_then(|v| v.as_str()), Some("max"));
    assert_eq!(bool_of(&m, "mullama.normalize"), Some(true));
    for (key, want) in [("lowercase", false), ("strip_accents", false), ("clean_text", true), ("handle_chinese_chars", true)] {
        assert_eq!(bool_of(&m, &format!("mullama.tokenizer.{key}")), Some(want), "{key}");
    }
    assert_eq!(bool_of(&m, "tokenizer.ggml.normalizer.lowercase"), Some(false));
    assert_eq!(get(&m, "mullama.tokenizer.max_input_chars_per_word"), Some(&GgufValue::U32(100)));
    // type_vocab_size 1: the one token type row stays.
    assert_eq!(get(&m, "tokenizer.ggml.token_type_count"), Some(&GgufValue::U32(1)));
    assert!(m.tensor("token_types.weight").is_some());
    check_vectors("bert-mlm-cased", &gguf, 0.9999);
}

#[test]
fn no_token_types_and_an_odd_vocab_size() {
    let (gguf, rep, notes) = convert_variant("bert-notypes-oddvocab", ConvertType::F16);
    assert_eq!(rep.pooling, Some(PoolingStrategy::Last));
    assert!(notes.is_empty(), "{notes:?}");
    let m = meta(&gguf);
    assert!(m.tensor("token_types.weight").is_none());
    // llama.cpp needs a non-zero count even without the tensor.
    assert_eq!(get(&m, "tokenizer.ggml.token_type_count"), Some(&GgufValue::U32(1)));
    assert_eq!(get(&m, "bert.pooling_type"), Some(&GgufValue::U32(3)));
    assert_eq!(get(&m, "mullama.pooling").and_then(|v| v.as_str()), Some("lasttoken"));
    assert!(get(&m, "mullama.max_seq_length").is_none(), "sentence_bert_config.json says null");
    let toks = get(&m, "tokenizer.ggml.tokens").unwrap().as_array().unwrap();
    assert_eq!(toks.len(), 213);
    assert_eq!(toks[212].as_str(), Some("▁[PAD212]"));
    assert_eq!(m.tensor("token_embd.weight").unwrap().dims, vec![64, 213]);
    // The BertNormalizer sits inside a Sequence; WordPiece's word limit is 12.
    assert_eq!(bool_of(&m, "mullama.tokenizer.lowercase"), Some(true));
    assert_eq!(bool_of(&m, "mullama.tokenizer.strip_accents"), Some(true));
    assert_eq!(get(&m, "mullama.tokenizer.max_input_chars_per_word"), Some(&GgufValue::U32(12)));
    check_vectors("bert-notypes-oddvocab", &gguf, 0.999);
}

#[test]
fn vocab_txt_only_folder() {
    let (gguf, rep, _) = convert_variant("bert-vocabtxt", ConvertType::F32);
    assert_eq!(rep.pooling, None);
    let m = meta(&gguf);
    for key in ["bert.pooling_type", "mullama.pooling", "mullama.normalize", "mullama.max_seq_length"] {
        assert!(get(&m, key).is_none(), "{key}: no modules.json, no sentence-transformers keys");
    }
    assert_eq!(bool_of(&m, "mullama.tokenizer.lowercase"), Some(true));
    check_vectors("bert-vocabtxt", &gguf, 0.9999);
}

#[test]
fn xlm_roberta_with_a_unigram_tokenizer() {
    let (gguf, rep, notes) = convert_variant("xlmr", ConvertType::F32);
    assert_eq!((rep.architecture.as_str(), rep.pooling), ("bert", Some(PoolingStrategy::Mean)));
    assert_eq!(notes, ["skipped 6 tensors that embeddings do not use: lm_head.* (6)"]);
    let m = meta(&gguf);
    assert_eq!(get(&m, "tokenizer.ggml.model").and_then(|v| v.as_str()), Some("t5"));
    // 130 positions less padding_idx + 1 = 2.
    assert_eq!(get(&m, "bert.context_length"), Some(&GgufValue::U32(128)));
    assert_eq!(m.tensor("position_embd.weight").unwrap().dims, vec![64, 128]);
    assert_eq!(bool_of(&m, "tokenizer.ggml.add_space_prefix"), Some(true));
    assert_eq!(bool_of(&m, "tokenizer.ggml.remove_extra_whitespaces"), Some(true));
    assert!(get(&m, "mullama.tokenizer.lowercase").is_none(), "WordPiece settings only for WordPiece");
    let types = get(&m, "tokenizer.ggml.token_type").unwrap().as_array().unwrap();
    let types: Vec<u64> = types.iter().take(4).map(|t| t.as_u64().unwrap()).collect();
    assert_eq!(types, [3, 3, 3, 2]);
    for (key, id) in [("bos", 0), ("eos", 2), ("unknown", 3), ("padding", 1)] {
        assert_eq!(get(&m, &format!("tokenizer.ggml.{key}_token_id")), Some(&GgufValue::U32(id)), "{key}");
    }
    check_vectors("xlmr", &gguf, 0.9999);
}
