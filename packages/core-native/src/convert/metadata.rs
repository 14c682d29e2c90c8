//! The GGUF key/value metadata, key for key what convert_hf_to_gguf.py writes for BERT.

use std::path::Path;

use super::gguf::{self, GgufType, GgufValue};
use super::{bert, vocab, ConvertOptions};

pub fn metadata(
    src_dir: &Path,
    opts: &ConvertOptions,
    hp: &bert::BertHparams,
    vocab: &vocab::Vocab,
    pooling: Option<(u32, &str)>,
    n_params: u64,
) -> Vec<(String, GgufValue)> {
    let name = opts.name.clone().unwrap_or_else(|| {
        let abs = src_dir
            .canonicalize()
            .unwrap_or_else(|_| src_dir.to_path_buf());
        abs.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "model".into())
    });
    let s = |v: &str| GgufValue::Str(v.to_string());
    let mut kv: Vec<(String, GgufValue)> = vec![
        ("general.architecture".into(), s("bert")),
        ("general.type".into(), s("model")),
        ("general.name".into(), s(&name)),
        ("general.size_label".into(), s(&gguf::size_label(n_params))),
        ("bert.block_count".into(), GgufValue::U32(hp.block_count)),
        (
            "bert.context_length".into(),
            GgufValue::U32(hp.context_length),
        ),
        (
            "bert.embedding_length".into(),
            GgufValue::U32(hp.embedding_length),
        ),
        (
            "bert.feed_forward_length".into(),
            GgufValue::U32(hp.feed_forward_length),
        ),
        (
            "bert.attention.head_count".into(),
            GgufValue::U32(hp.head_count),
        ),
        (
            "bert.attention.layer_norm_epsilon".into(),
            GgufValue::F32(hp.layer_norm_eps),
        ),
        (
            "general.file_type".into(),
            GgufValue::U32(opts.r#type.file_type()),
        ),
        ("bert.attention.causal".into(), GgufValue::Bool(false)),
    ];
    if let Some((ty, _)) = pooling {
        kv.push(("bert.pooling_type".into(), GgufValue::U32(ty)));
    }
    kv.push((
        "tokenizer.ggml.token_type_count".into(),
        GgufValue::U32(hp.type_vocab_size),
    ));
    kv.push(("tokenizer.ggml.model".into(), s("bert")));
    // What the Python converter's pre-tokenizer hash yields for the bert-base-uncased vocab
    // (BAAI/bge-small-en-v1.5, all-MiniLM-*). llama.cpp ignores the value for WPM vocabs.
    kv.push(("tokenizer.ggml.pre".into(), s("bert-bge")));
    let tokens = vocab
        .tokens
        .iter()
        .map(|t| GgufValue::Str(t.clone()))
        .collect();
    kv.push((
        "tokenizer.ggml.tokens".into(),
        GgufValue::Array(GgufType::String, tokens),
    ));
    let types = vocab.types.iter().map(|&t| GgufValue::I32(t)).collect();
    kv.push((
        "tokenizer.ggml.token_type".into(),
        GgufValue::Array(GgufType::I32, types),
    ));
    for (key, id) in &vocab.special_ids {
        kv.push((key.to_string(), GgufValue::U32(*id)));
    }
    for (key, b) in &vocab.add_flags {
        kv.push((key.to_string(), GgufValue::Bool(*b)));
    }
    kv.push(("general.quantization_version".into(), GgufValue::U32(2)));
    kv
}
