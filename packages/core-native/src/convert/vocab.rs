//! WordPiece vocabulary for llama.cpp's `bert` (WPM) tokenizer.
//!
//! Reproduces, without `transformers`, what convert_hf_to_gguf.py does for BERT:
//! `get_vocab_base` (ids 0..vocab_size, holes become `[PAD{i}]`), `BertModel.set_vocab`
//! (the "phantom space" rewrite: `##x` -> `x`, other non-control tokens get a `▁` prefix,
//! which is how llama.cpp's WPM tokenizer marks word starts) and `gguf.SpecialVocab`
//! (special token ids and add_bos/eos/sep flags from tokenizer.json + tokenizer_config.json).

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use super::bert::read_json;
use super::special_vocab::special_vocab;
use crate::error::{Error, ErrorCode, Result};

// gguf.TokenType
pub const TOKEN_NORMAL: i32 = 1;
pub const TOKEN_CONTROL: i32 = 3;
pub const TOKEN_USER_DEFINED: i32 = 4;
pub const TOKEN_UNUSED: i32 = 5;

pub struct Vocab {
    /// Token texts after the phantom-space rewrite, indexed by id.
    pub tokens: Vec<String>,
    pub types: Vec<i32>,
    /// (GGUF key, token id).
    pub special_ids: Vec<(&'static str, u32)>,
    /// (GGUF key, value) for tokenizer.ggml.add_{bos,eos,sep}_token.
    pub add_flags: Vec<(&'static str, bool)>,
}

fn bad<T>(path: &Path, msg: impl std::fmt::Display) -> Result<T> {
    Err(Error::new(
        ErrorCode::ConvertFailed,
        format!("{}: {msg}", path.display()),
    ))
}

/// `TextModel.does_token_look_special`, for added tokens not flagged special.
fn looks_special(t: &str) -> bool {
    matches!(t, "<pad>" | "<mask>" | "<2mass>" | "[@BOS@]")
        || (t.starts_with("<|") && t.ends_with("|>"))
        || (t.starts_with("<｜") && t.ends_with("｜>"))
        || (t.starts_with("<unused") && t.ends_with('>'))
}

pub fn load_vocab(dir: &Path, config_vocab_size: Option<u32>, config: &Value) -> Result<Vocab> {
    let tok_json_path = dir.join("tokenizer.json");
    let tok_json = if tok_json_path.is_file() {
        Some(read_json(&tok_json_path)?)
    } else {
        None
    };
    let cfg_path = dir.join("tokenizer_config.json");
    let mut tok_cfg = if cfg_path.is_file() {
        read_json(&cfg_path)?.as_object().cloned()
    } else {
        None
    };

    // token -> id (a HashMap like the tokenizer's `vocab` dict: a duplicate keeps the last id)
    // and the added tokens: content -> (id, special).
    let mut vocab: HashMap<String, u32> = HashMap::new();
    let mut added: Vec<(String, u32, bool)> = Vec::new();
    if let Some(tj) = &tok_json {
        let model = tj.get("model");
        let kind = model.and_then(|m| m.get("type")).and_then(|t| t.as_str());
        if kind != Some("WordPiece") {
            return bad(
                &tok_json_path,
                format!("tokenizer model is {kind:?}, only WordPiece (BERT) is supported"),
            );
        }
        let Some(map) = model
            .and_then(|m| m.get("vocab"))
            .and_then(|v| v.as_object())
        else {
            return bad(&tok_json_path, "model.vocab is missing or not an object");
        };
        for (tok, id) in map {
            let Some(id) = id.as_u64().and_then(|i| u32::try_from(i).ok()) else {
                return bad(
                    &tok_json_path,
                    format!("token {tok:?} has a non-integer id"),
                );
            };
            vocab.insert(tok.clone(), id);
        }
        for a in tj
            .get("added_tokens")
            .and_then(|a| a.as_array())
            .into_iter()
            .flatten()
        {
            let content = a.get("content").and_then(|c| c.as_str());
            let id = a
                .get("id")
                .and_then(|i| i.as_u64())
                .and_then(|i| u32::try_from(i).ok());
            let (Some(content), Some(id)) = (content, id) else {
                return bad(&tok_json_path, "an added_tokens entry lacks content or id");
            };
            let special = a.get("special").and_then(|s| s.as_bool()).unwrap_or(false);
            vocab.insert(content.to_string(), id);
            added.push((content.to_string(), id, special));
        }
    } else {
        let txt_path = dir.join("vocab.txt");
        let text = std::fs::read_to_string(&txt_path).map_err(|e| {
            Error::new(
                ErrorCode::ModelNotFound,
                format!(
                    "{}: no tokenizer.json and cannot read vocab.txt: {e}",
                    dir.display()
                ),
            )
        })?;
        for (i, line) in text.lines().enumerate() {
            vocab.insert(line.trim_end_matches('\r').to_string(), i as u32);
        }
        // The slow BertTokenizer registers its special tokens as added, special tokens.
        let obj = tok_cfg.clone().unwrap_or_default();
        for (key, default) in [
            ("unk", "[UNK]"),
            ("sep", "[SEP]"),
            ("pad", "[PAD]"),
            ("cls", "[CLS]"),
            ("mask", "[MASK]"),
        ] {
            let name = obj
                .get(&format!("{key}_token"))
                .and_then(|v| v.as_str())
                .unwrap_or(default);
            if let Some(&id) = vocab.get(name) {
                added.push((name.to_string(), id, true));
            }
        }
    }

    let max_id = vocab.values().copied().max().unwrap_or(0);
    let vocab_size = config_vocab_size.unwrap_or(vocab.len() as u32);
    if vocab.is_empty() || max_id >= vocab_size {
        return bad(
            dir,
            format!("vocabulary ids go up to {max_id} but vocab_size is {vocab_size}"),
        );
    }
    let mut reverse: Vec<Option<&str>> = vec![None; vocab_size as usize];
    for (tok, &id) in &vocab {
        reverse[id as usize] = Some(tok);
    }
    let added_by_content: HashMap<&str, bool> =
        added.iter().map(|(c, _, s)| (c.as_str(), *s)).collect();

    let mut tokens = Vec::with_capacity(reverse.len());
    let mut types = Vec::with_capacity(reverse.len());
    for (i, tok) in reverse.iter().enumerate() {
        let (text, ty) = match tok {
            None => (format!("[PAD{i}]"), TOKEN_UNUSED),
            Some(t) => match added_by_content.get(t) {
                Some(&special) if special || looks_special(t) => (t.to_string(), TOKEN_CONTROL),
                Some(_) => (t.replace('\u{2581}', " "), TOKEN_USER_DEFINED),
                None => (t.to_string(), TOKEN_NORMAL),
            },
        };
        // BertModel.set_vocab's phantom-space rewrite.
        let text = if ty == TOKEN_CONTROL {
            text
        } else if let Some(rest) = text.strip_prefix("##") {
            rest.to_string()
        } else {
            format!("\u{2581}{text}")
        };
        tokens.push(text);
        types.push(ty);
    }

    let (special_ids, add_flags) = special_vocab(
        tok_json.as_ref(),
        tok_cfg.as_mut(),
        &added,
        config,
        vocab_size,
    );
    Ok(Vocab {
        tokens,
        types,
        special_ids,
        add_flags,
    })
}
