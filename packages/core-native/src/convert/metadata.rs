//! The GGUF key/value metadata: key for key what convert_hf_to_gguf.py writes for BERT and
//! XLM-R, then the `mullama.*` keys with the sentence-transformers settings and the WordPiece
//! normalizer, which the engine reads to pool, normalize, prompt and tokenize as the model's
//! own pipeline does.

use std::path::Path;

use super::config::BertHparams;
use super::gguf::{self, GgufType, GgufValue};
use super::st_config::StSettings;
use super::{vocab, ConvertOptions};

pub fn metadata(
    src_dir: &Path,
    opts: &ConvertOptions,
    hp: &BertHparams,
    vocab: &vocab::Vocab,
    st: &StSettings,
    n_params: u64,
) -> Vec<(String, GgufValue)> {
    let name = opts.name.clone().unwrap_or_else(|| {
        let abs = src_dir.canonicalize().unwrap_or_else(|_| src_dir.to_path_buf());
        abs.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "model".into())
    });
    let s = |v: &str| GgufValue::Str(v.to_string());
    let mut kv: Vec<(String, GgufValue)> = vec![
        ("general.architecture".into(), s("bert")),
        ("general.type".into(), s("model")),
        ("general.name".into(), s(&name)),
        ("general.size_label".into(), s(&gguf::size_label(n_params))),
        ("bert.block_count".into(), GgufValue::U32(hp.block_count)),
        ("bert.context_length".into(), GgufValue::U32(hp.context_length)),
        ("bert.embedding_length".into(), GgufValue::U32(hp.embedding_length)),
        ("bert.feed_forward_length".into(), GgufValue::U32(hp.feed_forward_length)),
        ("bert.attention.head_count".into(), GgufValue::U32(hp.head_count)),
        ("bert.attention.layer_norm_epsilon".into(), GgufValue::F32(hp.layer_norm_eps)),
        ("general.file_type".into(), GgufValue::U32(opts.r#type.file_type())),
        ("bert.attention.causal".into(), GgufValue::Bool(false)),
    ];
    // Max and weighted-mean pooling have no llama.cpp pooling type: the key stays out and
    // `mullama.pooling` alone says how to pool.
    if let Some(labels) = &hp.classifier_labels {
        // A cross-encoder: rank pooling (LLAMA_POOLING_TYPE_RANK) runs the classification head;
        // llama.cpp takes its output count from the label list.
        kv.push(("bert.pooling_type".into(), GgufValue::U32(4)));
        let labels = labels.iter().map(|l| GgufValue::Str(l.clone())).collect();
        kv.push(("bert.classifier.output_labels".into(), GgufValue::Array(GgufType::String, labels)));
    } else if let Some(ty) = st.pooling.and_then(|p| p.llama_type()) {
        kv.push(("bert.pooling_type".into(), GgufValue::U32(ty)));
    }
    // llama.cpp refuses a BERT model whose token type count is 0, even with no token_types
    // tensor; a model without token type embeddings (type_vocab_size 0) says 1 and has no tensor.
    kv.push(("tokenizer.ggml.token_type_count".into(), GgufValue::U32(hp.type_vocab_size.max(1))));
    kv.push(("tokenizer.ggml.model".into(), s(vocab.model)));
    kv.push(("tokenizer.ggml.pre".into(), s(vocab.pre)));
    let tokens = vocab.tokens.iter().map(|t| GgufValue::Str(t.clone())).collect();
    kv.push(("tokenizer.ggml.tokens".into(), GgufValue::Array(GgufType::String, tokens)));
    if let Some(scores) = &vocab.scores {
        let scores = scores.iter().map(|&v| GgufValue::F32(v)).collect();
        kv.push(("tokenizer.ggml.scores".into(), GgufValue::Array(GgufType::F32, scores)));
    }
    let types = vocab.types.iter().map(|&t| GgufValue::I32(t)).collect();
    kv.push(("tokenizer.ggml.token_type".into(), GgufValue::Array(GgufType::I32, types)));
    kv.extend(vocab.extra.iter().cloned());
    for (key, id) in &vocab.special_ids {
        kv.push((key.to_string(), GgufValue::U32(*id)));
    }
    for (key, b) in &vocab.add_flags {
        kv.push((key.to_string(), GgufValue::Bool(*b)));
    }
    kv.push(("general.quantization_version".into(), GgufValue::U32(2)));
    kv.extend(mullama_keys(vocab, st));
    kv
}

/// The `mullama.*` keys (and llama.cpp's own BertNormalizer keys, so that llama.cpp alone also
/// keeps a cased model's case).
fn mullama_keys(vocab: &vocab::Vocab, st: &StSettings) -> Vec<(String, GgufValue)> {
    let mut kv = Vec::new();
    if let Some(p) = st.pooling {
        kv.push(("mullama.pooling".to_string(), GgufValue::Str(p.name().to_string())));
    }
    if let Some(n) = st.normalize {
        kv.push(("mullama.normalize".to_string(), GgufValue::Bool(n)));
    }
    if let Some(n) = st.max_seq_length {
        kv.push(("mullama.max_seq_length".to_string(), GgufValue::U32(n)));
    }
    for (name, text) in &st.prompts {
        kv.push((format!("mullama.prompt.{name}"), GgufValue::Str(text.clone())));
    }
    if let Some(name) = &st.default_prompt_name {
        kv.push(("mullama.default_prompt_name".to_string(), GgufValue::Str(name.clone())));
    }
    if let Some(n) = &vocab.normalizer {
        kv.push(("tokenizer.ggml.normalizer.lowercase".to_string(), GgufValue::Bool(n.lowercase)));
        kv.push(("tokenizer.ggml.normalizer.strip_accents".to_string(), GgufValue::Bool(n.strip_accents)));
        kv.push(("mullama.tokenizer.lowercase".to_string(), GgufValue::Bool(n.lowercase)));
        kv.push(("mullama.tokenizer.strip_accents".to_string(), GgufValue::Bool(n.strip_accents)));
        kv.push(("mullama.tokenizer.clean_text".to_string(), GgufValue::Bool(n.clean_text)));
        kv.push(("mullama.tokenizer.handle_chinese_chars".to_string(), GgufValue::Bool(n.handle_chinese_chars)));
        kv.push(("mullama.tokenizer.max_input_chars_per_word".to_string(), GgufValue::U32(n.max_input_chars_per_word)));
    }
    kv
}
