//! The vocabulary written into the GGUF, from tokenizer.json (or vocab.txt): a WordPiece
//! tokenizer becomes llama.cpp's `bert` (WPM) vocab, a Unigram one its `t5` (UGM) vocab, as
//! convert_hf_to_gguf.py does for BERT and XLM-R. Special token ids and add_* flags come from
//! `special_vocab`, which follows gguf-py's `SpecialVocab`.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::config::read_json_opt;
use super::gguf::GgufValue;
use super::normalizer::Normalizer;
use super::special_vocab::special_vocab;
use super::st_config::StSettings;
use super::{vocab_ugm, vocab_wpm};
use crate::error::{Error, ErrorCode, Result};

// gguf.TokenType
pub const TOKEN_NORMAL: i32 = 1;
pub const TOKEN_UNKNOWN: i32 = 2;
pub const TOKEN_CONTROL: i32 = 3;
pub const TOKEN_USER_DEFINED: i32 = 4;
pub const TOKEN_UNUSED: i32 = 5;

pub struct Vocab {
    /// `tokenizer.ggml.model`: "bert" or "t5".
    pub model: &'static str,
    /// `tokenizer.ggml.pre`.
    pub pre: &'static str,
    /// Token texts as llama.cpp looks them up, indexed by id.
    pub tokens: Vec<String>,
    pub types: Vec<i32>,
    /// Unigram log probabilities (`tokenizer.ggml.scores`); WordPiece has none.
    pub scores: Option<Vec<f32>>,
    /// (GGUF key, token id).
    pub special_ids: Vec<(&'static str, u32)>,
    /// (GGUF key, value) for tokenizer.ggml.add_{bos,eos,sep}_token.
    pub add_flags: Vec<(&'static str, bool)>,
    /// The WordPiece normalizer settings (`None` for Unigram).
    pub normalizer: Option<Normalizer>,
    /// Further tokenizer keys of the vocab type (Unigram: space prefix, whitespace, charsmap).
    pub extra: Vec<(String, GgufValue)>,
}

/// The tokenizer files of a folder, parsed.
pub struct TokenizerFiles {
    pub dir: PathBuf,
    pub tok_json_path: PathBuf,
    pub tok_json: Option<Value>,
    pub tok_cfg: Option<Map<String, Value>>,
}

/// An added token of tokenizer.json (or a special token of the slow tokenizer).
pub struct Added {
    pub content: String,
    pub id: u32,
    pub special: bool,
}

pub fn bad<T>(path: &Path, msg: impl std::fmt::Display) -> Result<T> {
    Err(Error::new(ErrorCode::ConvertFailed, format!("{}: {msg}", path.display())))
}

/// `TextModel.does_token_look_special`, for added tokens not flagged special.
pub fn looks_special(t: &str) -> bool {
    matches!(t, "<pad>" | "<mask>" | "<2mass>" | "[@BOS@]")
        || (t.starts_with("<|") && t.ends_with("|>"))
        || (t.starts_with("<｜") && t.ends_with("｜>"))
        || (t.starts_with("<unused") && t.ends_with('>'))
}

impl TokenizerFiles {
    pub fn read(dir: &Path) -> Result<TokenizerFiles> {
        let tok_json_path = dir.join("tokenizer.json");
        let tok_json = read_json_opt(&tok_json_path)?;
        let tok_cfg_path = dir.join("tokenizer_config.json");
        let tok_cfg = match read_json_opt(&tok_cfg_path)? {
            None => None,
            Some(Value::Object(m)) => Some(m),
            Some(_) => return bad(&tok_cfg_path, "expected a JSON object"),
        };
        Ok(TokenizerFiles { dir: dir.to_path_buf(), tok_json_path, tok_json, tok_cfg })
    }

    /// tokenizer.json's `added_tokens`.
    pub fn added_tokens(&self) -> Result<Vec<Added>> {
        let mut out = Vec::new();
        let list = self.tok_json.as_ref().and_then(|t| t.get("added_tokens")).and_then(|a| a.as_array());
        for a in list.into_iter().flatten() {
            let content = a.get("content").and_then(|c| c.as_str());
            let id = a.get("id").and_then(|i| i.as_u64()).and_then(|i| u32::try_from(i).ok());
            let (Some(content), Some(id)) = (content, id) else {
                return bad(&self.tok_json_path, "an added_tokens entry lacks content or id");
            };
            let special = a.get("special").and_then(|s| s.as_bool()).unwrap_or(false);
            out.push(Added { content: content.to_string(), id, special });
        }
        Ok(out)
    }
}

/// Reads the folder's tokenizer and builds the GGUF vocabulary for it. `max_vocab` is the
/// number of rows the token embedding matrix has (at most): the vocabulary is padded to
/// config.json's vocab_size, so that is checked against it before anything is allocated.
pub fn load_vocab(dir: &Path, config_vocab_size: Option<u32>, config: &Value, st: &StSettings, max_vocab: u64) -> Result<Vocab> {
    if let Some(n) = config_vocab_size.filter(|&n| n as u64 > max_vocab) {
        return bad(
            &dir.join("config.json"),
            format!("vocab_size {n} is larger than the {max_vocab} rows of the token embeddings (embeddings.word_embeddings.weight)"),
        );
    }
    let files = TokenizerFiles::read(dir)?;
    let kind = files.tok_json.as_ref().map(|t| t.get("model").and_then(|m| m.get("type")).and_then(|t| t.as_str()));
    let (mut vocab, added) = match kind {
        None | Some(Some("WordPiece")) => vocab_wpm::load(&files, config_vocab_size, st)?,
        Some(Some("Unigram")) => vocab_ugm::load(&files, config_vocab_size, max_vocab)?,
        Some(Some("BPE")) => {
            return bad(
                &files.tok_json_path,
                "unsupported tokenizer model BPE (byte-level BPE, as RoBERTa uses); WordPiece and Unigram tokenizers are supported",
            )
        }
        Some(other) => {
            return bad(
                &files.tok_json_path,
                format!("unsupported tokenizer model {other:?}; WordPiece and Unigram tokenizers are supported"),
            )
        }
    };
    let mut tok_cfg = files.tok_cfg.clone();
    if files.tok_json.is_none() {
        // vocab.txt alone: the slow tokenizer's defaults stand in for what tokenizer_config.json
        // leaves out, so the special ids come from this vocab and not from llama.cpp's
        // bert-base defaults (101, 102, ...). gguf-py finds no ids here at all.
        let cfg = tok_cfg.get_or_insert_with(Map::new);
        for (key, default) in vocab_wpm::SLOW_BERT_SPECIALS {
            cfg.entry(format!("{key}_token")).or_insert_with(|| Value::from(default));
        }
        // And, as SpecialVocab does when there is a tokenizer.json, [CLS]/[SEP] as bos/eos.
        for (key, from) in [("bos_token", "cls_token"), ("eos_token", "sep_token")] {
            if let Some(v) = cfg.get(from).cloned() {
                cfg.entry(key).or_insert(v);
            }
        }
    }
    let (ids, flags) = special_vocab(files.tok_json.as_ref(), tok_cfg.as_mut(), &added, config, vocab.tokens.len() as u32);
    vocab.special_ids = ids;
    vocab.add_flags = flags;
    Ok(vocab)
}
