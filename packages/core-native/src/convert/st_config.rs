//! The sentence-transformers settings of a model folder: the module pipeline (modules.json),
//! pooling (its Pooling module's config.json), `max_seq_length` (sentence_bert_config.json)
//! and the prompts (config_sentence_transformers.json). They say how sentence-transformers
//! turns the encoder's token vectors into the model's embedding, so the converter records them.

use std::path::{Component, Path};

use serde_json::Value;

use super::config::{read_json, read_json_opt};
use crate::api::PoolingStrategy;
use crate::error::{Error, ErrorCode, Result};

const TRANSFORMER: &str = "sentence_transformers.models.Transformer";
const POOLING: &str = "sentence_transformers.models.Pooling";
const NORMALIZE: &str = "sentence_transformers.models.Normalize";
/// Does nothing at inference time.
const DROPOUT: &str = "sentence_transformers.models.Dropout";

/// A sentence-transformers pooling mode, named as `mullama.pooling` records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pooling {
    Mean,
    Cls,
    Max,
    LastToken,
    /// Mean weighted by position (1, 2, 3, ...), as `pooling_mode_weightedmean_tokens`.
    WeightedMean,
}

/// (Pooling config flag, `pooling_mode` string, mode). `None`: a mode we cannot reproduce.
const MODES: &[(&str, &str, Option<Pooling>)] = &[
    ("pooling_mode_cls_token", "cls", Some(Pooling::Cls)),
    ("pooling_mode_mean_tokens", "mean", Some(Pooling::Mean)),
    ("pooling_mode_max_tokens", "max", Some(Pooling::Max)),
    ("pooling_mode_mean_sqrt_len_tokens", "mean_sqrt_len_tokens", None),
    ("pooling_mode_weightedmean_tokens", "weightedmean", Some(Pooling::WeightedMean)),
    ("pooling_mode_lasttoken", "lasttoken", Some(Pooling::LastToken)),
];

impl Pooling {
    pub fn name(self) -> &'static str {
        match self {
            Pooling::Mean => "mean",
            Pooling::Cls => "cls",
            Pooling::Max => "max",
            Pooling::LastToken => "lasttoken",
            Pooling::WeightedMean => "weightedmean",
        }
    }

    /// `{arch}.pooling_type` (llama.cpp's `LLAMA_POOLING_TYPE_*`), where llama.cpp has the mode.
    pub fn llama_type(self) -> Option<u32> {
        match self {
            Pooling::Mean => Some(1),
            Pooling::Cls => Some(2),
            Pooling::LastToken => Some(3),
            Pooling::Max | Pooling::WeightedMean => None,
        }
    }

    /// The engine's strategy for the mode, for `ConvertReport.pooling`.
    pub fn strategy(self) -> Option<PoolingStrategy> {
        match self {
            Pooling::Mean => Some(PoolingStrategy::Mean),
            Pooling::Cls => Some(PoolingStrategy::First),
            Pooling::LastToken => Some(PoolingStrategy::Last),
            Pooling::Max => Some(PoolingStrategy::Max),
            Pooling::WeightedMean => None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct StSettings {
    /// From the Pooling module modules.json names; `None` without modules.json or Pooling module.
    pub pooling: Option<Pooling>,
    /// Whether modules.json has a Normalize module; `None` without modules.json.
    pub normalize: Option<bool>,
    pub max_seq_length: Option<u32>,
    /// sentence_bert_config.json `do_lower_case`: sentence-transformers lowercases the text
    /// itself before the tokenizer sees it.
    pub lowercase_input: bool,
    /// (name, prompt text), sorted by name.
    pub prompts: Vec<(String, String)>,
    pub default_prompt_name: Option<String>,
}

fn bad<T>(path: &Path, msg: impl std::fmt::Display) -> Result<T> {
    Err(Error::new(ErrorCode::ConvertFailed, format!("{}: {msg}", path.display())))
}

/// Reads every sentence-transformers file the folder has; a folder with none gives the default.
pub fn read_st_settings(dir: &Path) -> Result<StSettings> {
    let mut st = StSettings::default();
    let modules_path = dir.join("modules.json");
    if let Some(modules) = read_json_opt(&modules_path)? {
        let Some(list) = modules.as_array() else {
            return bad(&modules_path, "expected a JSON array of modules");
        };
        let mut normalize = false;
        for m in list {
            let ty = m.get("type").and_then(|t| t.as_str()).unwrap_or("");
            match ty {
                TRANSFORMER | DROPOUT => {}
                NORMALIZE => normalize = true,
                // convert_hf_to_gguf.py takes the first Pooling module.
                POOLING if st.pooling.is_none() => {
                    let sub = m.get("path").and_then(|p| p.as_str()).unwrap_or("");
                    // A module lives inside the model folder: an absolute path or `..` would
                    // have the converter read some other file.
                    let inside = Path::new(sub).components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
                    if !inside {
                        return bad(&modules_path, format!("Pooling module path {sub:?} is outside the model folder"));
                    }
                    st.pooling = Some(read_pooling(&dir.join(sub).join("config.json"))?);
                }
                // A Dense, LayerNorm, ... module changes the vectors after pooling, and the
                // GGUF would silently give different embeddings than sentence-transformers.
                _ => return bad(&modules_path, format!("unsupported sentence-transformers module '{ty}' (only Transformer, Pooling, Normalize and Dropout can be converted)")),
            }
        }
        st.normalize = Some(normalize);
    }

    let sbert_path = dir.join("sentence_bert_config.json");
    if let Some(sbert) = read_json_opt(&sbert_path)? {
        if !sbert.is_object() {
            return bad(&sbert_path, "expected a JSON object");
        }
        match sbert.get("max_seq_length") {
            None | Some(Value::Null) => {}
            Some(v) => match v.as_u64().and_then(|n| u32::try_from(n).ok()).filter(|&n| n > 0) {
                Some(n) => st.max_seq_length = Some(n),
                None => return bad(&sbert_path, format!("max_seq_length {v} is not a positive integer")),
            },
        }
        st.lowercase_input = match sbert.get("do_lower_case") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(v) => return bad(&sbert_path, format!("do_lower_case {v} is not true or false")),
        };
    }

    let cst_path = dir.join("config_sentence_transformers.json");
    if let Some(cst) = read_json_opt(&cst_path)? {
        if !cst.is_object() {
            return bad(&cst_path, "expected a JSON object");
        }
        if let Some(prompts) = cst.get("prompts").filter(|p| !p.is_null()) {
            let Some(map) = prompts.as_object() else {
                return bad(&cst_path, "prompts must be an object of name -> text");
            };
            for (name, text) in map {
                let Some(text) = text.as_str() else {
                    return bad(&cst_path, format!("prompt '{name}' is not a string"));
                };
                st.prompts.push((name.clone(), text.to_string()));
            }
            st.prompts.sort();
        }
        match cst.get("default_prompt_name") {
            None | Some(Value::Null) => {}
            Some(Value::String(name)) if st.prompts.iter().any(|(n, _)| n == name) => st.default_prompt_name = Some(name.clone()),
            Some(v) => return bad(&cst_path, format!("default_prompt_name {v} names no entry of prompts")),
        }
    }
    Ok(st)
}

/// A Pooling module's config.json: exactly one mode must be on (several at once would
/// concatenate vectors, which no GGUF pooling does).
fn read_pooling(path: &Path) -> Result<Pooling> {
    if !path.is_file() {
        return bad(path, "not found, but modules.json names it for the Pooling module");
    }
    let cfg = read_json(path)?;
    let mut on: Vec<(&str, Option<Pooling>)> = MODES
        .iter()
        .filter(|(flag, _, _)| cfg.get(*flag).and_then(|v| v.as_bool()) == Some(true))
        .map(|&(flag, _, mode)| (flag, mode))
        .collect();
    // `Pooling(pooling_mode="...")` style configs name the mode as a string instead.
    if on.is_empty() {
        if let Some(s) = cfg.get("pooling_mode").and_then(|v| v.as_str()) {
            match MODES.iter().find(|(_, name, _)| *name == s) {
                Some(&(flag, _, mode)) => on.push((flag, mode)),
                None => return bad(path, format!("unknown pooling_mode '{s}'")),
            }
        }
    }
    match on[..] {
        [(_, Some(mode))] => Ok(mode),
        [(flag, None)] => bad(path, format!("unsupported pooling: {flag} (supported: cls, mean, max, lasttoken, weightedmean)")),
        [] => bad(path, "no pooling mode is set"),
        _ => {
            let flags: Vec<&str> = on.iter().map(|(f, _)| *f).collect();
            bad(path, format!("unsupported pooling: several modes at once ({}) concatenate vectors", flags.join(" + ")))
        }
    }
}
