//! BERT specifics, mirroring `BertModel` in llama.cpp's convert_hf_to_gguf.py: which configs
//! we accept, the hyperparameter keys, the HF -> GGUF tensor names and the output type rules.

use std::path::Path;

use serde_json::Value;

use super::gguf::GgmlType;
use super::ConvertType;
use crate::error::{Error, ErrorCode, Result};

/// HF `architectures` entries whose weights are a plain BERT encoder (heads, if any, are skipped).
/// `BertForSequenceClassification` and `CamembertModel` (SentencePiece vocab) are not handled.
const SUPPORTED_ARCHS: &[&str] = &["BertModel", "BertForMaskedLM"];

#[derive(Debug, Clone)]
pub struct BertHparams {
    pub block_count: u32,
    pub context_length: u32,
    pub embedding_length: u32,
    pub feed_forward_length: u32,
    pub head_count: u32,
    pub layer_norm_eps: f32,
    /// `config.vocab_size`; the token list is padded to it, like `get_vocab_base`.
    pub vocab_size: Option<u32>,
    pub type_vocab_size: u32,
}

fn bad<T>(path: &Path, msg: impl std::fmt::Display) -> Result<T> {
    Err(Error::new(
        ErrorCode::ConvertFailed,
        format!("{}: {msg}", path.display()),
    ))
}

pub fn read_json(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::new(
            ErrorCode::ModelNotFound,
            format!("cannot read {}: {e}", path.display()),
        )
    })?;
    serde_json::from_str(&text).or_else(|e| bad(path, format!("invalid JSON: {e}")))
}

/// Parses config.json and checks it describes a BERT model we can convert.
pub fn parse_config(path: &Path) -> Result<BertHparams> {
    let cfg = read_json(path)?;
    if !cfg.is_object() {
        return bad(path, "expected a JSON object");
    }
    let archs: Vec<&str> = cfg
        .get("architectures")
        .and_then(|a| a.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    let model_type = cfg.get("model_type").and_then(|v| v.as_str());
    match archs.first() {
        // The Python converter dispatches on architectures[0].
        Some(a) if !SUPPORTED_ARCHS.contains(a) => {
            return bad(
                path,
                format!(
                    "unsupported architecture '{a}' (supported: {})",
                    SUPPORTED_ARCHS.join(", ")
                ),
            )
        }
        Some(_) => {}
        None if model_type == Some("bert") => {}
        None => {
            return bad(
                path,
                format!("no 'architectures' and model_type {model_type:?} is not 'bert'"),
            )
        }
    }

    let get = |key: &str| cfg.get(key).and_then(|v| v.as_u64());
    let need = |key: &str| -> Result<u32> {
        match get(key) {
            Some(v) if v > 0 && v <= u32::MAX as u64 => Ok(v as u32),
            Some(v) => bad(path, format!("'{key}' = {v} is out of range")),
            None => bad(path, format!("missing or non-integer '{key}'")),
        }
    };
    let hp = BertHparams {
        block_count: need("num_hidden_layers")?,
        // BertConfig defaults, used when a config leaves them out.
        context_length: if cfg.get("max_position_embeddings").is_some() {
            need("max_position_embeddings")?
        } else {
            512
        },
        embedding_length: need("hidden_size")?,
        feed_forward_length: need("intermediate_size")?,
        head_count: need("num_attention_heads")?,
        layer_norm_eps: cfg
            .get("layer_norm_eps")
            .and_then(|v| v.as_f64())
            .unwrap_or(1e-12) as f32,
        vocab_size: get("vocab_size").and_then(|v| u32::try_from(v).ok()),
        // convert_hf_to_gguf.py: `self.hparams.get("type_vocab_size", 1)`.
        type_vocab_size: get("type_vocab_size")
            .and_then(|v| u32::try_from(v).ok())
            .unwrap_or(1),
    };
    if !hp.embedding_length.is_multiple_of(hp.head_count) {
        return bad(
            path,
            format!(
                "hidden_size {} is not divisible by num_attention_heads {}",
                hp.embedding_length, hp.head_count
            ),
        );
    }
    Ok(hp)
}

/// HF tensor name -> GGUF name; `Ok(None)` for tensors llama.cpp does not use.
/// Unknown names are an error, as in the Python converter ("Can not map tensor").
pub fn map_tensor_name(hf_name: &str) -> Option<Option<String>> {
    let mut name = hf_name.strip_prefix("bert.").unwrap_or(hf_name).to_string();
    // Old TF-converted checkpoints call LayerNorm parameters gamma/beta.
    if let Some(stem) = name.strip_suffix(".gamma") {
        name = format!("{stem}.weight");
    } else if let Some(stem) = name.strip_suffix(".beta") {
        name = format!("{stem}.bias");
    }
    if matches!(
        name.as_str(),
        "embeddings.position_ids" | "pooler.dense.weight" | "pooler.dense.bias"
    ) || name.starts_with("cls.predictions")
        || name.starts_with("cls.seq_relationship")
    {
        return Some(None);
    }
    let (stem, suffix) = name.rsplit_once('.')?;
    if suffix != "weight" && suffix != "bias" {
        return None;
    }
    let mapped = match stem {
        "embeddings.word_embeddings" => "token_embd".to_string(),
        "embeddings.token_type_embeddings" => "token_types".to_string(),
        "embeddings.position_embeddings" => "position_embd".to_string(),
        "embeddings.LayerNorm" => "token_embd_norm".to_string(),
        _ => {
            let rest = stem.strip_prefix("encoder.layer.")?;
            let (bid, part) = rest.split_once('.')?;
            let bid: u32 = bid.parse().ok()?;
            let part = match part {
                "attention.self.query" => "attn_q",
                "attention.self.key" => "attn_k",
                "attention.self.value" => "attn_v",
                "attention.output.dense" => "attn_output",
                "attention.output.LayerNorm" => "attn_output_norm",
                "intermediate.dense" => "ffn_up",
                "output.dense" => "ffn_down",
                "output.LayerNorm" => "layer_output_norm",
                _ => return None,
            };
            format!("blk.{bid}.{part}")
        }
    };
    Some(Some(format!("{mapped}.{suffix}")))
}

/// The ggml type a tensor is stored as, following `ModelBase.prepare_tensors`:
/// 1-D tensors, `*_norm.weight`, biases (anything not `.weight`), `position_embd` and
/// `token_types` stay F32; everything else takes the requested type, except that a Q8_0
/// tensor whose rows are not a multiple of 32 falls back to F16 (the Python QuantError path).
/// `n_dims` and `row_len` are taken after squeezing size-1 dimensions, as Python does.
pub fn choose_type(gguf_name: &str, n_dims: usize, row_len: u64, out: ConvertType) -> GgmlType {
    let keep_f32 = n_dims <= 1
        || gguf_name.ends_with("_norm.weight")
        || !gguf_name.ends_with(".weight")
        || gguf_name.starts_with("position_embd.")
        || gguf_name.starts_with("token_types.");
    if keep_f32 {
        return GgmlType::F32;
    }
    match out {
        ConvertType::F32 => GgmlType::F32,
        ConvertType::F16 => GgmlType::F16,
        ConvertType::Q8_0 if row_len.is_multiple_of(super::quant::QK8_0 as u64) => GgmlType::Q8_0,
        ConvertType::Q8_0 => GgmlType::F16,
    }
}

/// Reads the sentence-transformers pooling mode (`_try_set_pooling_type`).
/// Returns the GGUF pooling type (mean = 1, cls = 2, last = 3) and its name, or `None` when
/// there is no modules.json / Pooling module, in which case no `bert.pooling_type` is written.
pub fn read_pooling(dir: &Path) -> Result<Option<(u32, &'static str)>> {
    let modules_path = dir.join("modules.json");
    if !modules_path.is_file() {
        return Ok(None);
    }
    let modules = read_json(&modules_path)?;
    let Some(list) = modules.as_array() else {
        return bad(&modules_path, "expected a JSON array of modules");
    };
    let pooling_dir = list.iter().find_map(|m| {
        (m.get("type")?.as_str()? == "sentence_transformers.models.Pooling")
            .then(|| m.get("path")?.as_str())?
    });
    let Some(pooling_dir) = pooling_dir else {
        return Ok(None);
    };
    let cfg_path = dir.join(pooling_dir).join("config.json");
    let cfg = read_json(&cfg_path)?;
    let flag = |k: &str| cfg.get(k).and_then(|v| v.as_bool()).unwrap_or(false);
    // Same precedence as the Python converter: mean, then cls, then last token.
    if flag("pooling_mode_mean_tokens") {
        Ok(Some((1, "mean")))
    } else if flag("pooling_mode_cls_token") {
        Ok(Some((2, "cls")))
    } else if flag("pooling_mode_lasttoken") {
        Ok(Some((3, "last")))
    } else {
        bad(
            &cfg_path,
            "only mean, cls and last-token pooling are supported",
        )
    }
}
