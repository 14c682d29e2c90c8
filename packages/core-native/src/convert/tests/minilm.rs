//! The real all-MiniLM-L6-v2 folder, when present on the machine.

use std::collections::BTreeMap;
use std::path::Path;

use super::scratch;
use crate::convert::gguf::GgufValue;
use crate::convert::*;

/// Unpacked from the PyPI wheel by scripts/default-model.sh (part of every set-up).
const MINILM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/models-src/all-MiniLM-L6-v2");

#[test]
fn converts_all_minilm_l6_v2() {
    let src = Path::new(MINILM);
    if !src.join("model.safetensors").is_file() {
        eprintln!("skipping: {MINILM} not present");
        return;
    }
    let dir = scratch("minilm");
    let mut sizes = BTreeMap::new();
    for out in [ConvertType::F32, ConvertType::F16, ConvertType::Q8_0] {
        let dst = dir.join(format!("minilm-{}.gguf", out.as_str()));
        let rep = convert_hf_to_gguf(src, &dst, &ConvertOptions { r#type: out, name: None }).unwrap();
        assert_eq!((rep.architecture.as_str(), rep.tensors, rep.dimension), ("bert", 101, 384));
        assert_eq!(rep.pooling, Some(crate::api::PoolingStrategy::Mean));
        sizes.insert(out.as_str(), rep.bytes_written);
        let m = read_metadata(&dst).unwrap();
        let u = |k: &str| m.get(k).and_then(|v| v.as_u64()).unwrap_or_else(|| panic!("{k}"));
        assert_eq!(m.get("general.architecture").unwrap().as_str(), Some("bert"));
        assert_eq!(m.get("general.size_label").unwrap().as_str(), Some("23M"));
        assert_eq!((u("bert.block_count"), u("bert.context_length"), u("bert.embedding_length")), (6, 512, 384));
        assert_eq!((u("bert.feed_forward_length"), u("bert.attention.head_count"), u("bert.pooling_type")), (1536, 12, 1));
        assert_eq!(m.get("bert.attention.causal"), Some(&GgufValue::Bool(false)));
        assert_eq!(u("tokenizer.ggml.token_type_count"), 2);
        assert_eq!(m.get("tokenizer.ggml.model").unwrap().as_str(), Some("bert"));
        for (k, id) in [("bos", 101), ("eos", 102), ("unknown", 100), ("seperator", 102), ("padding", 0), ("cls", 101), ("mask", 103)] {
            assert_eq!(u(&format!("tokenizer.ggml.{k}_token_id")), id, "{k}");
        }
        assert_eq!(m.get("tokenizer.ggml.add_bos_token"), Some(&GgufValue::Bool(true)));
        assert_eq!(m.get("tokenizer.ggml.add_sep_token"), Some(&GgufValue::Bool(false)));
        let toks = m.get("tokenizer.ggml.tokens").unwrap().as_array().unwrap();
        assert_eq!(toks.len(), 30522);
        assert_eq!(toks[101].as_str(), Some("[CLS]"));
        assert_eq!(toks[1].as_str(), Some("▁[unused0]"));
        assert_eq!(toks[7592].as_str(), Some("▁hello"));
        let t = m.tensor("token_embd.weight").unwrap();
        assert_eq!(t.dims, vec![384, 30522]);
        assert_eq!(t.ggml_type, [0, 1, 8][out as usize]);
        assert_eq!(m.tensor("position_embd.weight").unwrap().ggml_type, 0);
        assert_eq!(m.tensor("blk.5.ffn_down.weight").unwrap().dims, vec![1536, 384]);
        assert!(m.tensors.iter().all(|t| !t.name.starts_with("pooler")));
        // The sentence-transformers settings and the uncased normalizer.
        assert_eq!(m.get("mullama.pooling").unwrap().as_str(), Some("mean"));
        assert_eq!(m.get("mullama.normalize"), Some(&GgufValue::Bool(true)));
        assert_eq!(u("mullama.max_seq_length"), 256);
        assert!(m.kv.iter().all(|(k, _)| !k.starts_with("mullama.prompt") && k != "mullama.default_prompt_name"));
        for key in ["lowercase", "strip_accents", "clean_text", "handle_chinese_chars"] {
            assert_eq!(m.get(&format!("mullama.tokenizer.{key}")), Some(&GgufValue::Bool(true)), "{key}");
        }
        assert_eq!(u("mullama.tokenizer.max_input_chars_per_word"), 100);
    }
    assert!(sizes["q8_0"] < sizes["f16"] && sizes["f16"] < sizes["f32"], "{sizes:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
