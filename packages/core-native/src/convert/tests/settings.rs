//! How the recorded settings are resolved from the files that can state them: the WordPiece
//! normalizer (tokenizer.json, tokenizer_config.json, sentence_bert_config.json) and the
//! sentence-transformers files.

use serde_json::{json, Value};

use super::scratch;
use crate::convert::normalizer::{read_normalizer, Normalizer};
use crate::convert::st_config::{read_st_settings, Pooling};

fn norm(tok_json: Option<Value>, tok_cfg: Option<Value>, lowercase_input: bool) -> (bool, bool, bool, bool, u32) {
    let cfg = tok_cfg.map(|c| c.as_object().unwrap().clone());
    let Normalizer { lowercase, strip_accents, clean_text, handle_chinese_chars, max_input_chars_per_word } =
        read_normalizer(tok_json.as_ref(), cfg.as_ref(), lowercase_input);
    (lowercase, strip_accents, clean_text, handle_chinese_chars, max_input_chars_per_word)
}

fn bert_normalizer(lowercase: bool, strip_accents: Value) -> Value {
    json!({"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": strip_accents, "lowercase": lowercase})
}

#[test]
fn wordpiece_normalizer_follows_hf_semantics() {
    let tj = |n: Value| Some(json!({"normalizer": n, "model": {"type": "WordPiece", "max_input_chars_per_word": 50}}));
    // strip_accents null follows lowercase.
    assert_eq!(norm(tj(bert_normalizer(true, Value::Null)), None, false), (true, true, true, true, 50));
    assert_eq!(norm(tj(bert_normalizer(false, Value::Null)), None, false), (false, false, true, true, 50));
    assert_eq!(norm(tj(bert_normalizer(false, json!(true))), None, false), (false, true, true, true, 50));
    // A stated tokenizer_config.json option wins over a top-level BertNormalizer (as
    // BertTokenizerFast rebuilds it); strip_accents null then follows the new lowercase.
    let cased_cfg = Some(json!({"do_lower_case": false, "tokenize_chinese_chars": false}));
    assert_eq!(norm(tj(bert_normalizer(true, Value::Null)), cased_cfg.clone(), false), (false, false, true, false, 50));
    // ... but an absent one does not (no silent "do_lower_case defaults to true").
    assert_eq!(norm(tj(bert_normalizer(false, Value::Null)), Some(json!({})), false).0, false);
    // Inside a Sequence, tokenizer.json alone decides.
    let seq = json!({"type": "Sequence", "normalizers": [bert_normalizer(true, Value::Null)]});
    assert_eq!(norm(tj(seq), cased_cfg, false), (true, true, true, true, 50));
    // Without a BertNormalizer: its Lowercase/StripAccents steps, no cleaning or CJK splitting.
    let steps = json!({"type": "Sequence", "normalizers": [{"type": "NFD"}, {"type": "Lowercase"}, {"type": "StripAccents"}]});
    assert_eq!(norm(tj(steps), None, false), (true, true, false, false, 50));
    assert_eq!(norm(Some(json!({"normalizer": null, "model": {}})), None, false), (false, false, false, false, 100));
    // vocab.txt only: the slow tokenizer, bert-base-uncased defaults unless the config says.
    assert_eq!(norm(None, None, false), (true, true, true, true, 100));
    assert_eq!(norm(None, Some(json!({"do_lower_case": false})), false), (false, false, true, true, 100));
    assert_eq!(norm(None, Some(json!({"do_lower_case": false, "strip_accents": true})), false), (false, true, true, true, 100));
    // sentence-transformers' own do_lower_case lowercases the input, keeping accents.
    assert_eq!(norm(tj(bert_normalizer(false, Value::Null)), None, true), (true, false, true, true, 50));
}

#[test]
fn sentence_transformers_files_are_optional_and_checked() {
    let dir = scratch("st-settings");
    assert_eq!(read_st_settings(&dir).unwrap(), Default::default());
    let write = |name: &str, v: Value| {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, v.to_string()).unwrap();
    };
    // modules.json without Normalize or Pooling.
    write("modules.json", json!([{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"}]));
    let st = read_st_settings(&dir).unwrap();
    assert_eq!((st.pooling, st.normalize), (None, Some(false)));
    // The Pooling module's own path, not a fixed 1_Pooling.
    write(
        "modules.json",
        json!([
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "pool", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}
        ]),
    );
    write("pool/config.json", json!({"pooling_mode_cls_token": false, "pooling_mode_max_tokens": true}));
    write("1_Pooling/config.json", json!({"pooling_mode_mean_tokens": true}));
    write("sentence_bert_config.json", json!({"max_seq_length": 384, "do_lower_case": true}));
    write("config_sentence_transformers.json", json!({"prompts": {"query": "Represent this: ", "doc": ""}, "default_prompt_name": null}));
    let st = read_st_settings(&dir).unwrap();
    assert_eq!((st.pooling, st.normalize, st.max_seq_length, st.lowercase_input), (Some(Pooling::Max), Some(true), Some(384), true));
    assert_eq!(st.prompts, [("doc".to_string(), String::new()), ("query".to_string(), "Represent this: ".to_string())]);
    assert_eq!(st.default_prompt_name, None);

    let bad = |name: &str, v: Value, part: &str| {
        write(name, v);
        let e = read_st_settings(&dir).unwrap_err();
        assert_eq!(e.code(), crate::error::ErrorCode::ConvertFailed);
        assert!(e.message().contains(part) && e.message().contains(name), "{e}");
    };
    bad("config_sentence_transformers.json", json!({"prompts": {"q": "x"}, "default_prompt_name": "query"}), "names no entry");
    bad("config_sentence_transformers.json", json!({"prompts": {"q": 3}}), "prompt 'q'");
    write("config_sentence_transformers.json", json!({}));
    bad("sentence_bert_config.json", json!({"max_seq_length": -1}), "max_seq_length");
    bad("modules.json", json!({"not": "a list"}), "JSON array");
    std::fs::remove_dir_all(&dir).unwrap();
}
