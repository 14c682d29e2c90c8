//! WordPiece vocabulary for llama.cpp's `bert` (WPM) tokenizer.
//!
//! Reproduces, without `transformers`, what convert_hf_to_gguf.py does for BERT:
//! `get_vocab_base` (ids 0..vocab_size, holes become `[PAD{i}]`) and `BertModel.set_vocab`
//! (the "phantom space" rewrite: `##x` -> `x`, other non-control tokens get a `▁` prefix,
//! which is how llama.cpp's WPM tokenizer marks word starts).

use std::collections::HashMap;

use super::normalizer::read_normalizer;
use super::st_config::StSettings;
use super::vocab::{bad, looks_special, Added, TokenizerFiles, Vocab, TOKEN_CONTROL, TOKEN_NORMAL, TOKEN_UNUSED, TOKEN_USER_DEFINED};
use crate::error::{Error, ErrorCode, Result};

/// The slow BertTokenizer's special tokens and their defaults (`unk_token = "[UNK]"`, ...).
pub const SLOW_BERT_SPECIALS: [(&str, &str); 5] =
    [("unk", "[UNK]"), ("sep", "[SEP]"), ("pad", "[PAD]"), ("cls", "[CLS]"), ("mask", "[MASK]")];

/// The vocabulary and the added tokens (for `SpecialVocab`).
pub fn load(files: &TokenizerFiles, config_vocab_size: Option<u32>, st: &StSettings) -> Result<(Vocab, Vec<Added>)> {
    // token -> id (a HashMap like the tokenizer's `vocab` dict: a duplicate keeps the last id).
    let mut vocab: HashMap<String, u32> = HashMap::new();
    let mut added = Vec::new();
    if let Some(tj) = &files.tok_json {
        // The phantom-space rewrite and llama.cpp's WPM tokenizer both assume "##" pieces.
        let prefix = tj.get("model").and_then(|m| m.get("continuing_subword_prefix")).and_then(|p| p.as_str());
        if let Some(p) = prefix.filter(|p| *p != "##") {
            return bad(&files.tok_json_path, format!("unsupported WordPiece continuing_subword_prefix {p:?} (only \"##\")"));
        }
        let Some(map) = tj.get("model").and_then(|m| m.get("vocab")).and_then(|v| v.as_object()) else {
            return bad(&files.tok_json_path, "model.vocab is missing or not an object");
        };
        if map.is_empty() {
            return bad(&files.tok_json_path, "model.vocab is empty");
        }
        for (tok, id) in map {
            let Some(id) = id.as_u64().and_then(|i| u32::try_from(i).ok()) else {
                return bad(&files.tok_json_path, format!("token {tok:?} has a non-integer id"));
            };
            vocab.insert(tok.clone(), id);
        }
        added = files.added_tokens()?;
        for a in &added {
            vocab.insert(a.content.clone(), a.id);
        }
    } else {
        let txt_path = files.dir.join("vocab.txt");
        let bytes = std::fs::read(&txt_path).map_err(|e| {
            Error::new(ErrorCode::ModelNotFound, format!("{}: no tokenizer.json and cannot read vocab.txt: {e}", files.dir.display()))
        })?;
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => return bad(&txt_path, format!("not valid UTF-8 (byte {})", e.utf8_error().valid_up_to())),
        };
        for (i, line) in text.lines().enumerate() {
            vocab.insert(line.trim_end_matches('\r').to_string(), i as u32);
        }
        // The slow BertTokenizer registers its special tokens as added, special tokens.
        let obj = files.tok_cfg.clone().unwrap_or_default();
        for (key, default) in SLOW_BERT_SPECIALS {
            let name = obj.get(&format!("{key}_token")).and_then(|v| v.as_str()).unwrap_or(default);
            if let Some(&id) = vocab.get(name) {
                added.push(Added { content: name.to_string(), id, special: true });
            }
        }
    }

    // The file the tokens came from, for messages.
    let source = if files.tok_json.is_some() { files.tok_json_path.clone() } else { files.dir.join("vocab.txt") };
    let Some(max_id) = vocab.values().copied().max() else {
        return bad(&source, "the vocabulary is empty");
    };
    let vocab_size = config_vocab_size.unwrap_or(vocab.len() as u32);
    if max_id >= vocab_size {
        let from = if config_vocab_size.is_some() { "config.json vocab_size" } else { "the number of tokens" };
        return bad(&source, format!("token ids go up to {max_id} but {from} is {vocab_size}"));
    }
    let mut reverse: Vec<Option<&str>> = vec![None; vocab_size as usize];
    for (tok, &id) in &vocab {
        // Two texts for one id: which one would win depends on hash order, so refuse it.
        if let Some(other) = reverse[id as usize].replace(tok) {
            let (a, b) = if other < tok.as_str() { (other, tok.as_str()) } else { (tok.as_str(), other) };
            return bad(&source, format!("tokens {a:?} and {b:?} both have id {id}"));
        }
    }
    let added_by_content: HashMap<&str, bool> = added.iter().map(|a| (a.content.as_str(), a.special)).collect();

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

    let normalizer = read_normalizer(files.tok_json.as_ref(), files.tok_cfg.as_ref(), st.lowercase_input);
    let vocab = Vocab {
        model: "bert",
        // What the Python converter's pre-tokenizer hash yields for the bert-base-uncased vocab
        // (BAAI/bge-small-en-v1.5, all-MiniLM-*). llama.cpp ignores the value for WPM vocabs.
        pre: "bert-bge",
        tokens,
        types,
        scores: None,
        special_ids: Vec::new(),
        add_flags: Vec::new(),
        normalizer: Some(normalizer),
        extra: Vec::new(),
    };
    Ok((vocab, added))
}
