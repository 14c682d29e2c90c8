//! Special token ids and add_bos/eos/sep flags, as gguf-py's `SpecialVocab` derives them from
//! tokenizer.json (post_processor), tokenizer_config.json and config.json.

use std::collections::HashMap;

use serde_json::Value;

use super::vocab::Added;

/// SpecialVocab's token kinds, in its order, with the GGUF key each one is written to
/// ("seperator" is the real, misspelled key).
const SPECIAL_TYPES: [(&str, &str); 7] = [
    ("bos", "tokenizer.ggml.bos_token_id"),
    ("eos", "tokenizer.ggml.eos_token_id"),
    ("unk", "tokenizer.ggml.unknown_token_id"),
    ("sep", "tokenizer.ggml.seperator_token_id"),
    ("pad", "tokenizer.ggml.padding_token_id"),
    ("cls", "tokenizer.ggml.cls_token_id"),
    ("mask", "tokenizer.ggml.mask_token_id"),
];

/// (special token ids by GGUF key, add_* flags by GGUF key).
pub type SpecialTokens = (Vec<(&'static str, u32)>, Vec<(&'static str, bool)>);

/// `gguf.SpecialVocab` for the cases a BERT tokenizer can hit.
pub fn special_vocab(
    tok_json: Option<&Value>,
    mut tok_cfg: Option<&mut serde_json::Map<String, Value>>,
    added: &[Added],
    config: &Value,
    n_vocab: u32,
) -> SpecialTokens {
    let cfg_str = |cfg: &Option<&mut serde_json::Map<String, Value>>, k: &str| {
        cfg.as_ref().and_then(|c| c.get(k)).and_then(|v| v.as_str()).map(str::to_string)
    };
    let mut add: HashMap<&str, bool> = HashMap::new();
    if let Some(tj) = tok_json {
        let mut bos = cfg_str(&tok_cfg, "bos_token");
        let cls = cfg_str(&tok_cfg, "cls_token");
        let mut eos = cfg_str(&tok_cfg, "eos_token");
        let sep = cfg_str(&tok_cfg, "sep_token");
        // BERT has no bos/eos: SpecialVocab uses cls/sep in their place.
        if let (None, Some(c), Some(cfg)) = (&bos, &cls, tok_cfg.as_deref_mut()) {
            cfg.insert("bos_token".into(), Value::from(c.clone()));
            bos = Some(c.clone());
        }
        if let (None, Some(s), Some(cfg)) = (&eos, &sep, tok_cfg.as_deref_mut()) {
            cfg.insert("eos_token".into(), Value::from(s.clone()));
            eos = Some(s.clone());
        }
        let post = tj.get("post_processor").filter(|p| !p.is_null());
        let processors: Vec<&Value> = match post.and_then(|p| p.get("processors")).and_then(|p| p.as_array()) {
            Some(list) => list.iter().collect(),
            None => post.into_iter().collect(),
        };
        let special_id = |v: Option<&Value>| {
            v.and_then(|e| e.get("SpecialToken")).and_then(|s| s.get("id")).and_then(|i| i.as_str()).map(str::to_string)
        };
        for p in processors {
            match p.get("type").and_then(|t| t.as_str()) {
                Some("RobertaProcessing") => {
                    for k in ["bos", "eos", "sep"] {
                        add.insert(k, true);
                    }
                }
                Some("TemplateProcessing") => {
                    let empty = Vec::new();
                    let single = p.get("single").and_then(|s| s.as_array()).unwrap_or(&empty);
                    let pair = p.get("pair").and_then(|s| s.as_array()).unwrap_or(&empty);
                    let (mut first, mut last) = (None, None);
                    if single.len() > 1 {
                        first = special_id(single.first());
                        if let Some(f) = &first {
                            if tok_cfg.is_none() {
                                bos = Some(f.clone());
                            }
                            add.insert("bos", Some(f) == bos.as_ref() || Some(f) == cls.as_ref());
                        }
                        last = special_id(single.last());
                        if let Some(l) = &last {
                            // (SpecialVocab also re-homes the old eos as eot/eom here; BERT never needs it.)
                            eos = Some(l.clone());
                            if let Some(cfg) = tok_cfg.as_deref_mut() {
                                cfg.insert("eos_token".into(), Value::from(l.clone()));
                            }
                            add.insert("eos", true);
                        }
                    }
                    // Pair template "[first] A <sep...> B [last]": decide add_sep from the middle.
                    let start = usize::from(first.is_some() && special_id(pair.first()) == first);
                    let stop = pair.len().saturating_sub(usize::from(last.is_some() && special_id(pair.last()) == last));
                    let inner = if start < stop { &pair[start..stop] } else { &pair[..0] };
                    fn seq(v: Option<&Value>) -> Option<&str> {
                        v?.get("Sequence")?.get("id")?.as_str()
                    }
                    if inner.len() > 2 && seq(inner.first()) == Some("A") && seq(inner.last()) == Some("B") {
                        let mid = &inner[1..inner.len() - 1];
                        let is_sep = |e: Option<String>| e.is_some() && (e == sep || e == eos);
                        let mut add_sep = is_sep(special_id(mid.first())) && last.is_none();
                        if mid.len() == 2 && is_sep(special_id(mid.get(1))) {
                            add_sep = true;
                        }
                        add.insert("sep", add_sep);
                    }
                }
                _ => {}
            }
        }
    }

    let mut ids: HashMap<&str, u32> = HashMap::new();
    if let Some(cfg) = tok_cfg.as_deref() {
        for (typ, _) in SPECIAL_TYPES {
            if let Some(b) = cfg.get(&format!("add_{typ}_token")).and_then(|v| v.as_bool()) {
                add.insert(typ, b);
            }
            let content = match cfg.get(&format!("{typ}_token")) {
                Some(Value::String(s)) => Some(s.as_str()),
                Some(Value::Object(o)) => o.get("content").and_then(|c| c.as_str()),
                _ => None,
            };
            if let Some(id) = content.and_then(|c| added.iter().find(|a| a.content == c)).map(|a| a.id) {
                if id < n_vocab {
                    ids.entry(typ).or_insert(id);
                }
            }
        }
    }
    // config.json `<typ>_token_id` fills whatever is still missing.
    for (typ, _) in SPECIAL_TYPES {
        if let Some(id) = config.get(format!("{typ}_token_id")).and_then(|v| v.as_u64()) {
            if id < n_vocab as u64 {
                ids.entry(typ).or_insert(id as u32);
            }
        }
    }
    let special_ids = SPECIAL_TYPES.iter().filter_map(|(t, key)| ids.get(t).map(|&id| (*key, id))).collect();
    let add_flags =
        [("bos", "tokenizer.ggml.add_bos_token"), ("eos", "tokenizer.ggml.add_eos_token"), ("sep", "tokenizer.ggml.add_sep_token")]
            .iter()
            .filter_map(|(t, key)| add.get(t).map(|&b| (*key, b)))
            .collect();
    (special_ids, add_flags)
}
