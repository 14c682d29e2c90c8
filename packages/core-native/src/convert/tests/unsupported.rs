//! What the converter refuses, and how: every unsupported part is a `CONVERT_FAILED` error whose
//! message names it. Each case edits a copy of a generated folder or the synthetic tiny BERT.

use std::path::Path;

use serde_json::{json, Value};

use super::scratch;
use super::tiny::tiny_bert_with;
use super::variants::variant_dir;
use crate::convert::*;
use crate::error::ErrorCode;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dst = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dst);
        } else {
            std::fs::copy(e.path(), dst).unwrap();
        }
    }
}

/// A scratch copy of a generated variant folder.
fn copy_variant(name: &str, tag: &str) -> std::path::PathBuf {
    let dir = scratch(&format!("unsupported-{tag}"));
    copy_dir(&variant_dir(name), &dir);
    dir
}

fn edit_json(path: &Path, edit: impl FnOnce(&mut Value)) {
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(path, v.to_string()).unwrap();
}

fn convert(dir: &Path) -> crate::Result<(ConvertReport, Vec<String>)> {
    let opts = ConvertOptions { r#type: ConvertType::F32, name: None };
    convert_with_notes(dir, &dir.join("out.gguf"), &opts)
}

/// Asserts a CONVERT_FAILED error whose message contains every one of `parts`.
fn refused(dir: &Path, parts: &[&str]) {
    let _ = std::fs::remove_file(dir.join("out.gguf"));
    let e = convert(dir).err().unwrap_or_else(|| panic!("expected a refusal naming {parts:?}"));
    assert_eq!(e.code(), ErrorCode::ConvertFailed, "{e}");
    for p in parts {
        assert!(e.message().contains(p), "{p:?} not in: {e}");
    }
    assert!(!dir.join("out.gguf").exists());
}

#[test]
fn unsupported_config_settings_are_named() {
    let dir = copy_variant("bert-pooler-cls", "config");
    let cfg = dir.join("config.json");
    let orig = std::fs::read_to_string(&cfg).unwrap();
    let cases: [(&str, Value, &[&str]); 6] = [
        ("architectures", json!(["DebertaV2Model"]), &["unsupported architecture 'DebertaV2Model'", "config.json"]),
        ("architectures", json!(["BertForQuestionAnswering"]), &["unsupported architecture 'BertForQuestionAnswering'", "BertForSequenceClassification"]),
        ("architectures", json!(["BertForSequenceClassification"]), &["sequence classifier with 2 labels", "LABEL_0, LABEL_1"]),
        ("hidden_act", json!("relu"), &["unsupported activation hidden_act 'relu'"]),
        ("position_embedding_type", json!("relative_key"), &["unsupported position_embedding_type 'relative_key'"]),
        ("is_decoder", json!(true), &["is_decoder"]),
    ];
    for (key, value, parts) in cases {
        std::fs::write(&cfg, &orig).unwrap();
        edit_json(&cfg, |c| c[key] = value);
        refused(&dir, parts);
    }
    std::fs::write(&cfg, &orig).unwrap();
    edit_json(&cfg, |c| {
        c.as_object_mut().unwrap().remove("architectures");
        c["model_type"] = json!("deberta-v2");
    });
    refused(&dir, &["model_type", "deberta-v2"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn tensors_outside_the_encoder_are_skipped_and_unknown_encoder_parts_refused() {
    let dir = scratch("unsupported-tensors");
    // A classifier head: skipped with a note.
    tiny_bert_with(&dir, |t| t.push(("classifier.weight".into(), vec![3, 32], vec![0.5; 96])));
    let (rep, notes) = convert(&dir).unwrap();
    assert_eq!(rep.tensors, 21);
    assert_eq!(notes, ["skipped 3 tensors that embeddings do not use: classifier.* (1), pooler.* (2)"]);
    // An encoder part llama.cpp has no tensor for.
    let extra = "bert.encoder.layer.0.attention.self.distance_embedding.weight";
    tiny_bert_with(&dir, |t| t.push((extra.into(), vec![4, 16], vec![0.5; 64])));
    refused(&dir, &["unsupported tensor", extra]);
    // A missing required tensor, named as HF names it.
    tiny_bert_with(&dir, |t| t.retain(|(n, ..)| n != "bert.encoder.layer.0.attention.self.key.bias"));
    refused(&dir, &["missing required tensor 'encoder.layer.0.attention.self.key.bias'"]);
    // Token types declared but absent, and present but declared absent.
    tiny_bert_with(&dir, |t| t.retain(|(n, ..)| !n.contains("token_type")));
    refused(&dir, &["missing required tensor 'embeddings.token_type_embeddings.weight'"]);
    tiny_bert_with(&dir, |_| {});
    edit_json(&dir.join("config.json"), |c| c["type_vocab_size"] = json!(0));
    refused(&dir, &["token_type_embeddings", "type_vocab_size 0"]);
    // A layer the config does not declare.
    edit_json(&dir.join("config.json"), |c| c["type_vocab_size"] = json!(2));
    tiny_bert_with(&dir, |t| t.push(("bert.encoder.layer.1.output.dense.bias".into(), vec![32], vec![0.0; 32])));
    refused(&dir, &["layer.1", "num_hidden_layers = 1"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unsupported_sentence_transformers_modules_and_poolings_are_named() {
    let dir = copy_variant("bert-pooler-cls", "st");
    edit_json(&dir.join("modules.json"), |m| {
        m.as_array_mut().unwrap().push(json!({"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"}))
    });
    refused(&dir, &["unsupported sentence-transformers module 'sentence_transformers.models.Dense'", "modules.json"]);
    edit_json(&dir.join("modules.json"), |m| {
        m.as_array_mut().unwrap().pop();
    });

    let pool = dir.join("1_Pooling/config.json");
    let set = |on: &[&str]| {
        edit_json(&pool, |p| {
            for (k, v) in p.as_object_mut().unwrap().iter_mut() {
                if k.starts_with("pooling_mode_") {
                    *v = json!(on.iter().any(|m| k.ends_with(m)));
                }
            }
        })
    };
    set(&["mean_sqrt_len_tokens"]);
    refused(&dir, &["unsupported pooling: pooling_mode_mean_sqrt_len_tokens", "1_Pooling"]);
    set(&["cls_token", "mean_tokens"]);
    refused(&dir, &["several modes", "pooling_mode_cls_token + pooling_mode_mean_tokens"]);
    set(&[]);
    refused(&dir, &["no pooling mode"]);

    // Weighted mean: no llama.cpp pooling type and no engine strategy, but recorded.
    set(&["weightedmean_tokens"]);
    let (rep, _) = convert(&dir).unwrap();
    assert_eq!(rep.pooling, None);
    let m = read_metadata(&dir.join("out.gguf")).unwrap();
    assert!(m.get("bert.pooling_type").is_none());
    assert_eq!(m.get("mullama.pooling").and_then(|v| v.as_str()), Some("weightedmean"));
    // The string form of newer Pooling configs.
    std::fs::write(&pool, json!({"word_embedding_dimension": 64, "pooling_mode": "lasttoken"}).to_string()).unwrap();
    convert(&dir).unwrap();
    let m = read_metadata(&dir.join("out.gguf")).unwrap();
    assert_eq!(m.get("mullama.pooling").and_then(|v| v.as_str()), Some("lasttoken"));
    // modules.json names a Pooling folder that is not there.
    std::fs::remove_file(&pool).unwrap();
    refused(&dir, &["1_Pooling", "not found"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unsupported_tokenizers_are_named() {
    let dir = copy_variant("xlmr", "tokenizer");
    let tj = dir.join("tokenizer.json");
    let orig = std::fs::read_to_string(&tj).unwrap();
    let cases: [(&str, Value, &[&str]); 4] = [
        ("/model/type", json!("BPE"), &["unsupported tokenizer model BPE", "tokenizer.json"]),
        ("/model/byte_fallback", json!(true), &["unsupported Unigram byte_fallback"]),
        ("/normalizer", json!({"type": "Lowercase"}), &["unsupported normalizer step 'Lowercase'"]),
        ("/pre_tokenizer", json!({"type": "Whitespace"}), &["unsupported pre-tokenizer 'Whitespace'"]),
    ];
    for (pointer, value, parts) in cases {
        std::fs::write(&tj, &orig).unwrap();
        edit_json(&tj, |t| *t.pointer_mut(pointer).unwrap() = value);
        refused(&dir, parts);
    }
    std::fs::remove_dir_all(&dir).unwrap();

    let dir = copy_variant("bert-pooler-cls", "wordpiece");
    edit_json(&dir.join("tokenizer.json"), |t| t["model"]["continuing_subword_prefix"] = json!("@@"));
    refused(&dir, &["continuing_subword_prefix \"@@\""]);
    std::fs::remove_dir_all(&dir).unwrap();
}
