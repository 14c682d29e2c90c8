//! A synthetic one-layer BERT: conversion in every type, and typed errors for bad inputs.

use std::path::Path;

use super::{as_f32, scratch, tensor_bytes};
use crate::convert::gguf::{GgmlType, GgufValue};
use crate::convert::*;
use crate::error::ErrorCode;

/// Writes a safetensors file from (name, shape, f32 data).
fn write_safetensors(path: &Path, tensors: &[(&str, Vec<u64>, Vec<f32>)]) {
    let mut header = serde_json::Map::new();
    let mut data = Vec::new();
    for (name, shape, values) in tensors {
        let start = data.len();
        values.iter().for_each(|v| data.extend(v.to_le_bytes()));
        header.insert(name.to_string(), serde_json::json!({"dtype": "F32", "shape": shape, "data_offsets": [start, data.len()]}));
    }
    let h = serde_json::to_vec(&header).unwrap();
    let mut out = (h.len() as u64).to_le_bytes().to_vec();
    out.extend(h);
    out.extend(data);
    std::fs::write(path, out).unwrap();
}

/// A 1-layer BERT with hidden 32, ff 64 (so Q8_0 applies), vocab 8 from vocab.txt.
pub(super) fn tiny_bert(dir: &Path) {
    tiny_bert_with(dir, |_| {});
}

/// `tiny_bert`, with its tensor list edited by `edit` before it is written.
pub(super) fn tiny_bert_with(dir: &Path, edit: impl FnOnce(&mut Vec<(String, Vec<u64>, Vec<f32>)>)) {
    let (e, ff, v, ctx) = (32u64, 64u64, 8u64, 16u64);
    let cfg = serde_json::json!({"architectures": ["BertModel"], "model_type": "bert", "hidden_size": e,
        "intermediate_size": ff, "num_attention_heads": 2, "num_hidden_layers": 1, "max_position_embeddings": ctx,
        "vocab_size": v, "type_vocab_size": 2, "layer_norm_eps": 1e-12, "pad_token_id": 0});
    std::fs::write(dir.join("config.json"), cfg.to_string()).unwrap();
    std::fs::write(dir.join("vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\n##lo\nworld\n").unwrap();
    let fill = |n: u64, k: f32| (0..n).map(|i| ((i as f32) * 0.37 + k).sin()).collect::<Vec<f32>>();
    let mut t: Vec<(String, Vec<u64>, Vec<f32>)> = vec![
        ("bert.embeddings.word_embeddings.weight".into(), vec![v, e], fill(v * e, 0.1)),
        ("bert.embeddings.position_embeddings.weight".into(), vec![ctx, e], fill(ctx * e, 0.2)),
        ("bert.embeddings.token_type_embeddings.weight".into(), vec![2, e], fill(2 * e, 0.3)),
        ("bert.embeddings.LayerNorm.gamma".into(), vec![e], fill(e, 0.4)),
        ("bert.embeddings.LayerNorm.beta".into(), vec![e], fill(e, 0.5)),
        ("bert.pooler.dense.weight".into(), vec![e, e], fill(e * e, 0.6)),
        ("bert.pooler.dense.bias".into(), vec![e], fill(e, 0.7)),
    ];
    for (part, shape) in [
        ("attention.self.query", vec![e, e]),
        ("attention.self.key", vec![e, e]),
        ("attention.self.value", vec![e, e]),
        ("attention.output.dense", vec![e, e]),
        ("attention.output.LayerNorm", vec![e]),
        ("intermediate.dense", vec![ff, e]),
        ("output.dense", vec![e, ff]),
        ("output.LayerNorm", vec![e]),
    ] {
        let n: u64 = shape.iter().product();
        t.push((format!("bert.encoder.layer.0.{part}.weight"), shape.clone(), fill(n, 1.0)));
        t.push((format!("bert.encoder.layer.0.{part}.bias"), vec![shape[0]], fill(shape[0], 2.0)));
    }
    edit(&mut t);
    let refs: Vec<(&str, Vec<u64>, Vec<f32>)> = t.iter().map(|(n, s, d)| (n.as_str(), s.clone(), d.clone())).collect();
    write_safetensors(&dir.join("model.safetensors"), &refs);
}

#[test]
fn converts_tiny_bert_in_every_type() {
    let dir = scratch("tiny");
    tiny_bert(&dir);
    for (out, ty, dtype_of_2d) in [(ConvertType::F32, 0, 0u32), (ConvertType::F16, 1, 1), (ConvertType::Q8_0, 7, 8)] {
        let dst = dir.join(format!("out-{}.gguf", out.as_str()));
        let rep = convert_hf_to_gguf(&dir, &dst, &ConvertOptions { r#type: out, name: Some("tiny".into()) }).unwrap();
        assert_eq!(rep.tensors, 5 + 16);
        assert_eq!(rep.pooling, None);
        assert_eq!(rep.bytes_written, std::fs::metadata(&dst).unwrap().len());
        let meta = read_metadata(&dst).unwrap();
        assert_eq!(meta.get("general.file_type"), Some(&GgufValue::U32(ty)));
        assert_eq!(meta.get("general.name").and_then(|v| v.as_str()), Some("tiny"));
        assert!(meta.get("bert.pooling_type").is_none());
        let toks = meta.get("tokenizer.ggml.tokens").unwrap().as_array().unwrap();
        let toks: Vec<&str> = toks.iter().map(|t| t.as_str().unwrap()).collect();
        assert_eq!(toks, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "▁hello", "lo", "▁world"]);
        let types: Vec<u64> =
            meta.get("tokenizer.ggml.token_type").unwrap().as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
        assert_eq!(types, [3, 3, 3, 3, 3, 1, 1, 1]);
        assert_eq!(meta.get("tokenizer.ggml.padding_token_id"), Some(&GgufValue::U32(0)));
        let ty_of = |n: &str| meta.tensor(n).unwrap().ggml_type;
        assert_eq!(ty_of("token_embd.weight"), dtype_of_2d);
        assert_eq!(ty_of("blk.0.ffn_down.weight"), dtype_of_2d);
        for f32_name in
            ["position_embd.weight", "token_types.weight", "token_embd_norm.weight", "blk.0.attn_q.bias", "blk.0.layer_output_norm.weight"]
        {
            assert_eq!(ty_of(f32_name), 0, "{f32_name}");
        }
        assert!(meta.tensor("pooler.dense.weight").is_none());
        assert_eq!(meta.tensor("blk.0.ffn_up.weight").unwrap().dims, vec![32, 64]);
        // Data survives: exact for f32, close for f16/q8_0.
        let t = meta.tensor("blk.0.ffn_down.weight").unwrap();
        let got = as_f32(&tensor_bytes(&dst, &meta, &t.name), GgmlType::from_u32(t.ggml_type).unwrap());
        let want: Vec<f32> = (0..32 * 64).map(|i| ((i as f32) * 0.37 + 1.0).sin()).collect();
        let max_err = got.iter().zip(&want).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
        assert!(max_err <= [0.0, 1e-3, 1e-2][ty.min(2) as usize], "{out:?}: max error {max_err}");
    }
    // No temp files left behind.
    assert!(std::fs::read_dir(&dir).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().ends_with(".tmp")));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_inputs_give_typed_errors() {
    let opts = ConvertOptions { r#type: ConvertType::F16, name: None };
    let code = |dir: &Path| convert_hf_to_gguf(dir, &dir.join("o.gguf"), &opts).unwrap_err();
    assert_eq!(code(Path::new("/nonexistent/model")).code(), ErrorCode::ModelNotFound);

    let dir = scratch("bad");
    assert_eq!(code(&dir).code(), ErrorCode::ModelNotFound); // no config.json
    tiny_bert(&dir);
    let st = dir.join("model.safetensors");
    let full = std::fs::read(&st).unwrap();

    std::fs::write(&st, &full[..full.len() - 100]).unwrap(); // truncated data
    let e = code(&dir);
    assert_eq!(e.code(), ErrorCode::ConvertFailed);
    assert!(e.message().contains("model.safetensors"), "{e}");
    std::fs::write(&st, &full[..4]).unwrap(); // truncated length prefix
    assert_eq!(code(&dir).code(), ErrorCode::ConvertFailed);
    std::fs::write(&st, b"\xff\xff\xff\xff\xff\xff\xff\x7f{}").unwrap(); // absurd header length
    assert_eq!(code(&dir).code(), ErrorCode::ConvertFailed);
    std::fs::remove_file(&st).unwrap();
    assert_eq!(code(&dir).code(), ErrorCode::ModelNotFound);
    std::fs::write(&st, &full).unwrap();

    let cfg_path = dir.join("config.json");
    let cfg = std::fs::read_to_string(&cfg_path).unwrap();
    std::fs::write(&cfg_path, cfg.replace("\"BertModel\"", "\"LlamaForCausalLM\"")).unwrap();
    let e = code(&dir);
    assert_eq!(e.code(), ErrorCode::ConvertFailed);
    assert!(e.message().contains("LlamaForCausalLM") && e.message().contains("config.json"), "{e}");
    std::fs::write(&cfg_path, "{not json").unwrap();
    assert_eq!(code(&dir).code(), ErrorCode::ConvertFailed);
    // Shapes that disagree with config.json.
    std::fs::write(&cfg_path, cfg.replace("\"intermediate_size\":64", "\"intermediate_size\":96")).unwrap();
    let e = code(&dir);
    assert_eq!(e.code(), ErrorCode::ConvertFailed);
    assert!(e.message().contains("shape"), "{e}");
    std::fs::write(&cfg_path, &cfg).unwrap();

    assert_eq!(ConvertType::parse("q4_0").unwrap_err().code(), ErrorCode::InvalidArgument);
    let e = convert_hf_to_gguf(&dir, &dir.join("no/such/dir/o.gguf"), &opts).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Io);
    assert!(!dir.join("o.gguf").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
