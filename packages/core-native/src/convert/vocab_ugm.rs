//! Unigram (SentencePiece) vocabulary from tokenizer.json for llama.cpp's `t5` (UGM)
//! tokenizer, as convert_hf_to_gguf.py's `_xlmroberta_set_vocab` writes it for XLM-R.
//!
//! llama.cpp's UGM tokenizer normalizes with the SentencePiece charsmap and its whitespace
//! rules only, then runs Viterbi over the token scores. A tokenizer.json that does more (other
//! normalizer steps, another pre-tokenizer, byte fallback) would tokenize differently, so it
//! is refused by name rather than converted into a model that gives other vectors.

use serde_json::Value;

use super::gguf::{GgufType, GgufValue};
use super::vocab::{
    bad, looks_special, Added, TokenizerFiles, Vocab, TOKEN_CONTROL, TOKEN_NORMAL, TOKEN_UNKNOWN, TOKEN_UNUSED, TOKEN_USER_DEFINED,
};
use crate::error::Result;

/// What llama.cpp can do of a tokenizer.json normalizer.
#[derive(Default)]
struct UgmNormalizer {
    charsmap: Option<Vec<u8>>,
    /// Strip and collapse runs of spaces, as SentencePiece's `remove_extra_whitespaces`.
    collapses_spaces: bool,
}

fn kind(v: &Value) -> &str {
    v.get("type").and_then(|t| t.as_str()).unwrap_or("?")
}

fn read_normalizer(files: &TokenizerFiles, n: Option<&Value>) -> Result<UgmNormalizer> {
    let mut out = UgmNormalizer::default();
    let steps: Vec<&Value> = match n.filter(|n| !n.is_null()) {
        None => Vec::new(),
        Some(n) if kind(n) == "Sequence" => n.get("normalizers").and_then(|s| s.as_array()).into_iter().flatten().collect(),
        Some(n) => vec![n],
    };
    for step in steps {
        match kind(step) {
            "Precompiled" => {
                let b64 = step.get("precompiled_charsmap").and_then(|c| c.as_str()).unwrap_or("");
                match base64_decode(b64) {
                    Some(bytes) if bytes.is_empty() => {}
                    Some(bytes) if bytes.len() >= 4 => out.charsmap = Some(bytes),
                    _ => return bad(&files.tok_json_path, "normalizer precompiled_charsmap is not valid base64 of a charsmap"),
                }
            }
            // XLM-R's tokenizer.json spells SentencePiece's space collapsing as these two.
            "Strip" => out.collapses_spaces = true,
            "Replace" if is_space_collapse(step) => out.collapses_spaces = true,
            other => {
                return bad(&files.tok_json_path, format!("unsupported normalizer step '{other}' for a Unigram tokenizer (llama.cpp applies only the precompiled charsmap and whitespace collapsing)"))
            }
        }
    }
    Ok(out)
}

/// `Replace(" {2,}", " ")` (or `"  "` -> `" "`).
fn is_space_collapse(step: &Value) -> bool {
    let pattern = step.get("pattern").and_then(|p| p.get("Regex").or_else(|| p.get("String"))).and_then(|p| p.as_str());
    matches!(pattern, Some(" {2,}") | Some("  ")) && step.get("content").and_then(|c| c.as_str()) == Some(" ")
}

/// Metaspace -> whether a `▁` is put before the text (`add_space_prefix`).
fn read_pre_tokenizer(files: &TokenizerFiles, p: Option<&Value>) -> Result<bool> {
    let metaspace = match p.filter(|p| !p.is_null()) {
        Some(p) if kind(p) == "Metaspace" => p,
        Some(p) if kind(p) == "Sequence" => {
            let steps: Vec<&Value> = p.get("pretokenizers").and_then(|s| s.as_array()).into_iter().flatten().collect();
            match steps[..] {
                [m] if kind(m) == "Metaspace" => m,
                _ => {
                    return bad(
                        &files.tok_json_path,
                        "unsupported pre-tokenizer Sequence for a Unigram tokenizer (only Metaspace is supported)",
                    )
                }
            }
        }
        Some(p) => {
            return bad(
                &files.tok_json_path,
                format!("unsupported pre-tokenizer '{}' for a Unigram tokenizer (only Metaspace is supported)", kind(p)),
            )
        }
        None => return bad(&files.tok_json_path, "a Unigram tokenizer without a Metaspace pre-tokenizer is not supported"),
    };
    if let Some(r) = metaspace.get("replacement").and_then(|r| r.as_str()).filter(|r| *r != "\u{2581}") {
        return bad(&files.tok_json_path, format!("unsupported Metaspace replacement {r:?} (llama.cpp uses U+2581)"));
    }
    Ok(match metaspace.get("prepend_scheme").and_then(|s| s.as_str()) {
        Some("never") => false,
        Some(_) => true,
        None => metaspace.get("add_prefix_space").and_then(|b| b.as_bool()).unwrap_or(true),
    })
}

/// The vocabulary and the added tokens (for `SpecialVocab`).
/// `max_vocab`: the rows of the token embeddings, the most ids the added tokens may reach.
pub fn load(files: &TokenizerFiles, config_vocab_size: Option<u32>, max_vocab: u64) -> Result<(Vocab, Vec<Added>)> {
    let path = &files.tok_json_path;
    let tj = files.tok_json.as_ref().expect("a Unigram vocab comes from tokenizer.json");
    let model = tj.get("model").unwrap_or(&Value::Null);
    if model.get("byte_fallback").and_then(|b| b.as_bool()) == Some(true) {
        return bad(path, "unsupported Unigram byte_fallback (llama.cpp's UGM tokenizer has no byte fallback)");
    }
    let Some(pieces) = model.get("vocab").and_then(|v| v.as_array()) else {
        return bad(path, "model.vocab is missing or not an array of [piece, score]");
    };
    if pieces.is_empty() {
        return bad(path, "model.vocab is empty");
    }
    let mut base: Vec<(String, f32)> = Vec::with_capacity(pieces.len());
    for p in pieces {
        match (p.get(0).and_then(|s| s.as_str()), p.get(1).and_then(|s| s.as_f64())) {
            (Some(piece), Some(score)) => base.push((piece.to_string(), score as f32)),
            _ => return bad(path, format!("model.vocab entry {} is not [piece, score]", base.len())),
        }
    }
    let unk_id = model.get("unk_id").and_then(|u| u.as_u64());
    let added = files.added_tokens()?;
    let normalizer = read_normalizer(files, tj.get("normalizer"))?;
    let add_space_prefix = read_pre_tokenizer(files, tj.get("pre_tokenizer"))?;

    let n_added = added.iter().map(|a| a.id as usize + 1).max().unwrap_or(0);
    // The vocabulary is padded up to the highest added id: an absurd one must not allocate.
    if n_added > base.len() && n_added as u64 > max_vocab {
        return bad(
            path,
            format!(
                "added token id {} is beyond the {max_vocab} rows of the token embeddings (embeddings.word_embeddings.weight)",
                n_added - 1
            ),
        );
    }
    let vocab_size = (config_vocab_size.unwrap_or(0) as usize).max(base.len()).max(n_added);
    let mut tokens: Vec<String> = (0..vocab_size).map(|i| format!("[PAD{i}]")).collect();
    let mut scores = vec![-10000.0f32; vocab_size];
    let mut types = vec![TOKEN_UNUSED; vocab_size];
    for (id, (piece, score)) in base.into_iter().enumerate() {
        types[id] = if Some(id as u64) == unk_id { TOKEN_UNKNOWN } else { TOKEN_NORMAL };
        tokens[id] = piece;
        scores[id] = score;
    }
    for a in &added {
        let id = a.id as usize;
        tokens[id] = a.content.clone();
        if types[id] != TOKEN_UNKNOWN {
            types[id] = if a.special || looks_special(&a.content) { TOKEN_CONTROL } else { TOKEN_USER_DEFINED };
        }
    }

    let remove_extra_whitespaces = normalizer.collapses_spaces
        || files.tok_cfg.as_ref().and_then(|c| c.get("clean_up_tokenization_spaces")).and_then(|v| v.as_bool()) == Some(true);
    let mut extra = vec![
        ("tokenizer.ggml.add_space_prefix".to_string(), GgufValue::Bool(add_space_prefix)),
        ("tokenizer.ggml.remove_extra_whitespaces".to_string(), GgufValue::Bool(remove_extra_whitespaces)),
    ];
    if let Some(map) = normalizer.charsmap {
        let bytes = map.into_iter().map(GgufValue::U8).collect();
        extra.push(("tokenizer.ggml.precompiled_charsmap".to_string(), GgufValue::Array(GgufType::U8, bytes)));
    }
    let vocab = Vocab {
        model: "t5",
        pre: "default",
        tokens,
        types,
        scores: Some(scores),
        special_ids: Vec::new(),
        add_flags: Vec::new(),
        normalizer: None,
        extra,
    };
    Ok((vocab, added))
}

/// Standard base64 (with or without `=` padding); `None` on any other character.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_decodes_like_the_standard() {
        use super::base64_decode as d;
        assert_eq!(d("").unwrap(), b"");
        assert_eq!(d("TQ==").unwrap(), b"M");
        assert_eq!(d("TWE=").unwrap(), b"Ma");
        assert_eq!(d("TWFu").unwrap(), b"Man");
        assert_eq!(d("AP8+/w").unwrap(), [0x00, 0xff, 0x3e, 0xff]);
        assert!(d("a b").is_none());
    }
}
