//! The text normalization of a WordPiece (BERT) tokenizer: what its `BertNormalizer` does
//! before words are looked up. llama.cpp's WPM tokenizer lowercases and strips accents unless
//! told otherwise, which is wrong for cased models, so the converter records the settings.

use serde_json::{Map, Value};

/// BertNormalizer's options, resolved (`strip_accents` no longer "same as lowercase").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Normalizer {
    pub lowercase: bool,
    pub strip_accents: bool,
    pub clean_text: bool,
    pub handle_chinese_chars: bool,
    /// WordPiece's limit: a longer word becomes `[UNK]` whole.
    pub max_input_chars_per_word: u32,
}

/// BertNormalizer's options before `strip_accents: null` is resolved.
struct Raw {
    lowercase: bool,
    strip_accents: Option<bool>,
    clean_text: bool,
    handle_chinese_chars: bool,
}

/// `BertTokenizer`'s defaults (bert-base-uncased), used where no file says otherwise.
const BERT_DEFAULTS: Raw = Raw { lowercase: true, strip_accents: None, clean_text: true, handle_chinese_chars: true };

fn from_bert_normalizer(n: &Value) -> Raw {
    let flag = |k: &str, default: bool| n.get(k).and_then(|v| v.as_bool()).unwrap_or(default);
    Raw {
        lowercase: flag("lowercase", true),
        strip_accents: n.get("strip_accents").and_then(|v| v.as_bool()),
        clean_text: flag("clean_text", true),
        handle_chinese_chars: flag("handle_chinese_chars", true),
    }
}

/// A `Sequence` of normalizers: the BertNormalizer in it, else what its `Lowercase` /
/// `StripAccents` steps amount to (no cleaning or CJK splitting without a BertNormalizer).
fn from_sequence(steps: &[Value]) -> Raw {
    let kind = |v: &Value| v.get("type").and_then(|t| t.as_str()).map(str::to_string);
    if let Some(b) = steps.iter().find(|s| kind(s).as_deref() == Some("BertNormalizer")) {
        return from_bert_normalizer(b);
    }
    let has = |t: &str| steps.iter().any(|s| kind(s).as_deref() == Some(t));
    Raw { lowercase: has("Lowercase"), strip_accents: Some(has("StripAccents")), clean_text: false, handle_chinese_chars: false }
}

/// Resolves the normalizer from tokenizer.json (what the tokenizer runs) and
/// tokenizer_config.json. `lowercase_input` is sentence_bert_config.json's `do_lower_case`.
pub fn read_normalizer(tok_json: Option<&Value>, tok_cfg: Option<&Map<String, Value>>, lowercase_input: bool) -> Normalizer {
    let cfg_bool = |k: &str| tok_cfg.and_then(|c| c.get(k)).and_then(|v| v.as_bool());
    let normalizer = tok_json.and_then(|t| t.get("normalizer")).filter(|n| !n.is_null());
    let kind = normalizer.and_then(|n| n.get("type")).and_then(|t| t.as_str());
    let mut raw = match (normalizer, kind) {
        (Some(n), Some("BertNormalizer")) => {
            let mut raw = from_bert_normalizer(n);
            // transformers' BertTokenizerFast rebuilds a top-level BertNormalizer from
            // tokenizer_config.json's options when they disagree; we follow the options a
            // config states (an absent one keeps tokenizer.json's value).
            if let Some(b) = cfg_bool("do_lower_case") {
                raw.lowercase = b;
            }
            if let Some(v) = tok_cfg.and_then(|c| c.get("strip_accents")) {
                raw.strip_accents = v.as_bool();
            }
            if let Some(b) = cfg_bool("tokenize_chinese_chars") {
                raw.handle_chinese_chars = b;
            }
            raw
        }
        (Some(n), Some("Sequence")) => from_sequence(n.get("normalizers").and_then(|s| s.as_array()).map_or(&[], |v| v)),
        (Some(n), _) => from_sequence(std::slice::from_ref(n)),
        // tokenizer.json without a normalizer: the text reaches WordPiece as it is.
        (None, _) if tok_json.is_some() => {
            Raw { lowercase: false, strip_accents: Some(false), clean_text: false, handle_chinese_chars: false }
        }
        // vocab.txt only: the slow BertTokenizer with tokenizer_config.json's options.
        (None, _) => Raw {
            lowercase: cfg_bool("do_lower_case").unwrap_or(BERT_DEFAULTS.lowercase),
            strip_accents: tok_cfg.and_then(|c| c.get("strip_accents")).and_then(|v| v.as_bool()),
            clean_text: BERT_DEFAULTS.clean_text,
            handle_chinese_chars: cfg_bool("tokenize_chinese_chars").unwrap_or(BERT_DEFAULTS.handle_chinese_chars),
        },
    };
    // HF semantics: strip_accents null means "whatever lowercase is", decided by the
    // tokenizer's own lowercase, not by sentence-transformers' `str.lower()` of the input.
    let strip_accents = raw.strip_accents.unwrap_or(raw.lowercase);
    raw.lowercase |= lowercase_input;
    let max_input_chars_per_word = tok_json
        .and_then(|t| t.get("model"))
        .and_then(|m| m.get("max_input_chars_per_word"))
        .and_then(|v| v.as_u64())
        .and_then(|v| u32::try_from(v).ok())
        .unwrap_or(100);
    Normalizer {
        lowercase: raw.lowercase,
        strip_accents,
        clean_text: raw.clean_text,
        handle_chinese_chars: raw.handle_chinese_chars,
        max_input_chars_per_word,
    }
}
