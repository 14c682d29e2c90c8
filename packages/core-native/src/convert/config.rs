//! config.json: which encoder family the folder holds, its hyperparameters, and every setting
//! of the encoder llama.cpp's BERT graph cannot reproduce (refused here, before anything is read).

use std::path::Path;

use serde_json::Value;

use crate::error::{Error, ErrorCode, Result};

/// The encoders we convert. All three become llama.cpp's `bert` architecture: RoBERTa and
/// XLM-R are BERT with another tokenizer and positions counted from `padding_idx + 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Bert,
    Roberta,
    XlmRoberta,
}

/// `architectures[0]` values whose weights hold a plain encoder; the task heads of the
/// `*For*` models are skipped (see `bert::map_tensor_name`), except a sequence classifier's,
/// which makes the model a reranker (`CLASSIFIERS`).
const ARCHS: &[(&str, Family)] = &[
    ("BertModel", Family::Bert),
    ("BertForMaskedLM", Family::Bert),
    ("BertForPreTraining", Family::Bert),
    ("RobertaModel", Family::Roberta),
    ("RobertaForMaskedLM", Family::Roberta),
    ("XLMRobertaModel", Family::XlmRoberta),
    ("XLMRobertaForMaskedLM", Family::XlmRoberta),
    ("BertForSequenceClassification", Family::Bert),
    ("RobertaForSequenceClassification", Family::Roberta),
    ("XLMRobertaForSequenceClassification", Family::XlmRoberta),
];

/// Cross-encoders: the classification head is kept (llama.cpp's `cls` and `cls.output`) and the
/// model gets rank pooling, so it scores query and document pairs instead of embedding.
const CLASSIFIERS: &[&str] = &["BertForSequenceClassification", "RobertaForSequenceClassification", "XLMRobertaForSequenceClassification"];

/// `model_type` values accepted when a config has no `architectures`.
const MODEL_TYPES: &[(&str, Family)] = &[("bert", Family::Bert), ("roberta", Family::Roberta), ("xlm-roberta", Family::XlmRoberta)];

/// HF activation names that all mean GELU. llama.cpp's BERT graph always computes the tanh
/// approximation; the erf GELU HF calls "gelu" differs from it by under 1e-3.
const GELU_ACTS: &[&str] = &["gelu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "gelu_python", "gelu_accurate"];

#[derive(Debug, Clone)]
pub struct BertHparams {
    pub block_count: u32,
    /// Positions llama.cpp may use: `max_position_embeddings` less `position_offset`.
    pub context_length: u32,
    pub embedding_length: u32,
    pub feed_forward_length: u32,
    pub head_count: u32,
    pub layer_norm_eps: f32,
    /// `config.vocab_size`; the token list is padded to it, like `get_vocab_base`.
    pub vocab_size: Option<u32>,
    /// 0 when the model has no token type embeddings at all.
    pub type_vocab_size: u32,
    /// Leading rows of `position_embeddings` no token ever uses. RoBERTa numbers positions
    /// from `padding_idx + 1`, so convert_hf_to_gguf.py drops `pad_token_id + 1` rows and
    /// llama.cpp counts from 0; 0 for BERT.
    pub position_offset: u32,
    /// A sequence classifier's label names (`id2label` in id order, else `LABEL_i` for
    /// `num_labels`); `None` for an encoder converted to embed.
    pub classifier_labels: Option<Vec<String>>,
}

fn bad<T>(path: &Path, msg: impl std::fmt::Display) -> Result<T> {
    Err(Error::new(ErrorCode::ConvertFailed, format!("{}: {msg}", path.display())))
}

pub fn read_json(path: &Path) -> Result<Value> {
    let text = read_text(path)?;
    serde_json::from_str(&text).or_else(|e| bad(path, format!("invalid JSON: {e}")))
}

/// Reads a text file: unreadable is MODEL_NOT_FOUND, present but not UTF-8 is CONVERT_FAILED.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::new(ErrorCode::ModelNotFound, format!("cannot read {}: {e}", path.display())))?;
    String::from_utf8(bytes).or_else(|e| bad(path, format!("not valid UTF-8 (byte {})", e.utf8_error().valid_up_to())))
}

/// Reads a JSON file that may be absent; present but unreadable or invalid is an error.
pub fn read_json_opt(path: &Path) -> Result<Option<Value>> {
    if path.is_file() {
        read_json(path).map(Some)
    } else {
        Ok(None)
    }
}

/// The label names of a sequence classifier, from `id2label` (keys are ids as strings) or
/// `num_labels` (HF's default: 2; cross-encoders have 1).
fn classifier_labels(path: &Path, cfg: &Value) -> Result<Vec<String>> {
    if let Some(map) = cfg.get("id2label").and_then(|v| v.as_object()) {
        let mut labels: Vec<(u64, String)> = Vec::with_capacity(map.len());
        for (k, v) in map {
            let Ok(id) = k.parse::<u64>() else { return bad(path, format!("id2label has a key {k:?} that is not a label id")) };
            labels.push((id, v.as_str().map_or_else(|| v.to_string(), str::to_string)));
        }
        labels.sort();
        if labels.iter().enumerate().any(|(i, (id, _))| *id != i as u64) {
            return bad(path, "id2label's ids are not 0 to n - 1");
        }
        if !labels.is_empty() {
            return Ok(labels.into_iter().map(|(_, l)| l).collect());
        }
    }
    let n = cfg.get("num_labels").and_then(|v| v.as_u64()).unwrap_or(2);
    if n == 0 || n > 65536 {
        return bad(path, format!("num_labels {n} is out of range"));
    }
    Ok((0..n).map(|i| format!("LABEL_{i}")).collect())
}

fn family_of(path: &Path, cfg: &Value) -> Result<Family> {
    let arch = cfg.get("architectures").and_then(|a| a.as_array()).and_then(|a| a.first()).and_then(|v| v.as_str());
    let model_type = cfg.get("model_type").and_then(|v| v.as_str());
    // convert_hf_to_gguf.py dispatches on architectures[0]; model_type only when that is missing.
    let Some(arch) = arch else {
        return match MODEL_TYPES.iter().find(|(t, _)| Some(*t) == model_type) {
            Some(&(_, f)) => Ok(f),
            None => bad(path, format!("no 'architectures' and model_type {model_type:?} is not one of bert, roberta, xlm-roberta")),
        };
    };
    if let Some(&(_, f)) = ARCHS.iter().find(|(a, _)| *a == arch) {
        return Ok(f);
    }
    let supported: Vec<&str> = ARCHS.iter().map(|(a, _)| *a).collect();
    bad(path, format!("unsupported architecture '{arch}'; supported: {}", supported.join(", ")))
}

/// Parses config.json and checks it describes an encoder we can convert.
pub fn parse_config(path: &Path, cfg: &Value) -> Result<BertHparams> {
    if !cfg.is_object() {
        return bad(path, "expected a JSON object");
    }
    let family = family_of(path, cfg)?;
    let arch = cfg.get("architectures").and_then(|a| a.as_array()).and_then(|a| a.first()).and_then(|v| v.as_str());
    let classifier_labels = match arch {
        Some(a) if CLASSIFIERS.contains(&a) => Some(classifier_labels(path, cfg)?),
        _ => None,
    };
    // A reranker's head gives one relevance score; more labels make a classifier (NLI,
    // sentiment), which mullama neither embeds nor ranks with.
    if let Some(labels) = classifier_labels.as_ref().filter(|l| l.len() != 1) {
        return bad(path, format!("a sequence classifier with {} labels ({}); mullama converts cross-encoders, which have one", labels.len(), labels.join(", ")));
    }

    // Settings that change the forward pass in ways llama.cpp's BERT graph does not follow.
    let act = cfg.get("hidden_act").map(|v| v.as_str().unwrap_or("?")).unwrap_or("gelu");
    if !GELU_ACTS.contains(&act) {
        return bad(path, format!("unsupported activation hidden_act '{act}': llama.cpp's BERT graph computes GELU"));
    }
    if let Some(p) = cfg.get("position_embedding_type").and_then(|v| v.as_str()).filter(|p| *p != "absolute") {
        return bad(path, format!("unsupported position_embedding_type '{p}': only absolute position embeddings are supported"));
    }
    if cfg.get("is_decoder").and_then(|v| v.as_bool()) == Some(true) {
        return bad(path, "unsupported is_decoder = true: only bidirectional encoders are supported");
    }

    let get = |key: &str| cfg.get(key).and_then(|v| v.as_u64());
    let need = |key: &str| -> Result<u32> {
        match get(key) {
            Some(v) if v > 0 && v <= u32::MAX as u64 => Ok(v as u32),
            Some(v) => bad(path, format!("'{key}' = {v} is out of range")),
            None => bad(path, format!("missing or non-integer '{key}'")),
        }
    };
    // An optional count: absent or null means the default, anything but an integer that fits
    // a u32 is an error (not silently the default).
    let optional = |key: &str| -> Result<Option<u32>> {
        match cfg.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => match v.as_u64().map(u32::try_from) {
                Some(Ok(n)) => Ok(Some(n)),
                Some(Err(_)) => bad(path, format!("'{key}' = {v} is out of range")),
                None => bad(path, format!("'{key}' = {v} is not a non-negative integer")),
            },
        }
    };
    // ggml's norm asserts eps >= 0 when the model runs: a negative (or NaN, or infinite once
    // narrowed to f32) epsilon must stop here, not abort the process that embeds.
    let layer_norm_eps = match cfg.get("layer_norm_eps") {
        None | Some(Value::Null) => 1e-12,
        Some(v) => match v.as_f64().map(|e| e as f32) {
            Some(e) if e.is_finite() && e >= 0.0 => e,
            _ => return bad(path, format!("'layer_norm_eps' = {v} is not a finite number >= 0")),
        },
    };
    // BertConfig defaults, used when a config leaves them out.
    let max_positions = if cfg.get("max_position_embeddings").is_some() { need("max_position_embeddings")? } else { 512 };
    let position_offset = match family {
        Family::Bert => 0,
        // RobertaConfig's default pad_token_id is 1.
        Family::Roberta | Family::XlmRoberta => get("pad_token_id").unwrap_or(1).saturating_add(1).min(u32::MAX as u64) as u32,
    };
    if position_offset >= max_positions {
        return bad(path, format!("max_position_embeddings {max_positions} leaves no positions after padding_idx + 1 = {position_offset}"));
    }
    let hp = BertHparams {
        block_count: need("num_hidden_layers")?,
        context_length: max_positions - position_offset,
        embedding_length: need("hidden_size")?,
        feed_forward_length: need("intermediate_size")?,
        head_count: need("num_attention_heads")?,
        layer_norm_eps,
        vocab_size: optional("vocab_size")?,
        // convert_hf_to_gguf.py: `self.hparams.get("type_vocab_size", 1)`.
        type_vocab_size: optional("type_vocab_size")?.unwrap_or(1),
        position_offset,
        classifier_labels,
    };
    if !hp.embedding_length.is_multiple_of(hp.head_count) {
        return bad(path, format!("hidden_size {} is not divisible by num_attention_heads {}", hp.embedding_length, hp.head_count));
    }
    Ok(hp)
}
