//! Tensor planning: HF name -> GGUF name, shape, storage type and byte size for every tensor,
//! plus the shape checks llama.cpp's BERT loader will make, so bad inputs fail before writing.

use std::path::Path;

use super::gguf_write::TensorInfo;
use super::{bert, safetensors, ConvertType};
use crate::error::{Error, ErrorCode, Result};

/// One tensor to convert: where it comes from and what it becomes.
pub struct Planned {
    pub src: safetensors::StTensor,
    pub info: TensorInfo,
}

/// Maps, types and sizes every tensor, and checks the shapes llama.cpp will require,
/// so that bad inputs fail before anything is written.
pub fn plan_tensors(
    st: &safetensors::SafeTensors,
    st_path: &Path,
    hp: &bert::BertHparams,
    n_vocab: u64,
    out: ConvertType,
) -> Result<Vec<Planned>> {
    let fail = |msg: String| {
        Error::new(
            ErrorCode::ConvertFailed,
            format!("{}: {msg}", st_path.display()),
        )
    };
    let mut plan = Vec::new();
    for t in &st.tensors {
        let gguf_name = match bert::map_tensor_name(&t.name) {
            None => {
                return Err(fail(format!(
                    "cannot map tensor '{}' to a llama.cpp BERT tensor",
                    t.name
                )))
            }
            Some(None) => continue,
            Some(Some(n)) => n,
        };
        if !matches!(t.dtype.as_str(), "F32" | "F16" | "BF16") {
            return Err(fail(format!(
                "tensor '{}' has dtype {}; expected F32, F16 or BF16",
                t.name, t.dtype
            )));
        }
        // Python squeezes size-1 dimensions (keeping at least one) and ggml lists dims innermost first.
        let mut dims: Vec<u64> = t.shape.iter().rev().copied().filter(|&d| d != 1).collect();
        if dims.is_empty() {
            dims = t.shape.iter().rev().copied().collect();
        }
        if dims.is_empty() || dims.len() > 4 || dims.contains(&0) {
            return Err(fail(format!(
                "tensor '{}' has unsupported shape {:?}",
                t.name, t.shape
            )));
        }
        let ggml_type = bert::choose_type(&gguf_name, dims.len(), dims[0], out);
        let n_bytes = ggml_type
            .byte_size(dims[0], t.n_elements())
            .ok_or_else(|| fail(format!("tensor '{}' is too large", t.name)))?;
        plan.push(Planned {
            src: t.clone(),
            info: TensorInfo {
                name: gguf_name,
                dims,
                ggml_type,
                n_bytes,
            },
        });
    }

    // The shapes llama.cpp's BERT loader insists on (llama_model_bert::load_arch_tensors).
    let (e, ff, ctx) = (
        hp.embedding_length as u64,
        hp.feed_forward_length as u64,
        hp.context_length as u64,
    );
    let mut required: Vec<(String, Vec<u64>)> = vec![
        ("token_embd.weight".into(), vec![e, n_vocab]),
        ("position_embd.weight".into(), vec![e, ctx]),
        ("token_embd_norm.weight".into(), vec![e]),
        ("token_embd_norm.bias".into(), vec![e]),
    ];
    for i in 0..hp.block_count {
        for (part, shape) in [
            ("attn_q.weight", vec![e, e]),
            ("attn_k.weight", vec![e, e]),
            ("attn_v.weight", vec![e, e]),
            ("attn_output.weight", vec![e, e]),
            ("attn_output_norm.weight", vec![e]),
            ("attn_output_norm.bias", vec![e]),
            ("ffn_up.weight", vec![e, ff]),
            ("ffn_down.weight", vec![ff, e]),
            ("layer_output_norm.weight", vec![e]),
            ("layer_output_norm.bias", vec![e]),
        ] {
            required.push((format!("blk.{i}.{part}"), shape));
        }
    }
    for (name, shape) in required {
        match plan.iter().find(|p| p.info.name == name) {
            None => return Err(fail(format!("missing tensor '{name}'"))),
            Some(p) if p.info.dims != shape => {
                return Err(fail(format!(
                    "tensor '{}' has shape {:?}, config.json implies {:?}",
                    p.src.name,
                    p.src.shape,
                    shape.iter().rev().collect::<Vec<_>>()
                )))
            }
            Some(_) => {}
        }
    }
    Ok(plan)
}
