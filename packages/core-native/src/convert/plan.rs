//! Tensor planning: HF name -> GGUF name, shape, storage type and byte size for every tensor,
//! plus the shape checks llama.cpp's BERT loader will make, so bad inputs fail before writing.

use std::collections::BTreeMap;
use std::path::Path;

use super::bert::{self, Mapped};
use super::config::BertHparams;
use super::gguf_write::TensorInfo;
use super::{safetensors, ConvertType};
use crate::error::{Error, ErrorCode, Result};

/// One tensor to convert: where it comes from and what it becomes.
pub struct Planned {
    pub src: safetensors::StTensor,
    /// Leading rows of the source dropped on the way (RoBERTa's unused position rows).
    pub skip_rows: u64,
    pub info: TensorInfo,
}

pub struct Plan {
    pub tensors: Vec<Planned>,
    /// Things the user may want to know that do not stop the conversion.
    pub notes: Vec<String>,
}

/// Python squeezes size-1 dimensions (keeping at least one) and ggml lists dims innermost first.
fn ggml_dims(shape: &[u64]) -> Vec<u64> {
    let dims: Vec<u64> = shape.iter().rev().copied().filter(|&d| d != 1).collect();
    if dims.is_empty() {
        shape.iter().rev().copied().take(1).collect()
    } else {
        dims
    }
}

/// The rows of the token embedding matrix, capped by the bytes of tensor data (a shape like
/// `[2^62, 0]` holds no bytes at all): the most tokens the vocabulary can have, checked before
/// config.json's vocab_size is used to size anything. Without the matrix there is no model.
pub fn embedding_rows(st: &safetensors::SafeTensors, st_path: &Path) -> Result<u64> {
    let embd = st.tensors.iter().find(|t| bert::map_tensor_name(&t.name, false) == Some(Mapped::Tensor("token_embd.weight".into())));
    match embd {
        Some(t) => Ok(t.shape.first().copied().unwrap_or(1).min(st.data_len)),
        None => Err(Error::new(
            ErrorCode::ConvertFailed,
            format!("{}: missing required tensor 'embeddings.word_embeddings.weight' (GGUF 'token_embd.weight')", st_path.display()),
        )),
    }
}

/// Maps, types and sizes every tensor, and checks the shapes llama.cpp will require,
/// so that bad inputs fail before anything is written.
pub fn plan_tensors(st: &safetensors::SafeTensors, st_path: &Path, hp: &BertHparams, n_vocab: u64, out: ConvertType) -> Result<Plan> {
    let fail = |msg: String| Error::new(ErrorCode::ConvertFailed, format!("{}: {msg}", st_path.display()));
    let mut tensors = Vec::new();
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    for t in &st.tensors {
        let gguf_name = match bert::map_tensor_name(&t.name, hp.classifier_labels.is_some()) {
            None => return Err(fail(format!("unsupported tensor '{}': not part of a BERT encoder llama.cpp can run", t.name))),
            Some(Mapped::Buffer) => continue,
            Some(Mapped::Head(group)) => {
                *skipped.entry(group).or_default() += 1;
                continue;
            }
            Some(Mapped::Tensor(n)) => n,
        };
        if !matches!(t.dtype.as_str(), "F32" | "F16" | "BF16") {
            return Err(fail(format!("tensor '{}' has dtype {}; expected F32, F16 or BF16", t.name, t.dtype)));
        }
        let mut shape = t.shape.clone();
        let skip_rows = if gguf_name == "position_embd.weight" { hp.position_offset as u64 } else { 0 };
        if skip_rows > 0 {
            match shape.first_mut() {
                Some(rows) if *rows > skip_rows => *rows -= skip_rows,
                _ => {
                    return Err(fail(format!(
                        "tensor '{}' has shape {:?}, too few rows for padding_idx + 1 = {skip_rows}",
                        t.name, t.shape
                    )))
                }
            }
        }
        let dims = ggml_dims(&shape);
        if dims.is_empty() || dims.len() > 4 || dims.contains(&0) {
            return Err(fail(format!("tensor '{}' has unsupported shape {:?}", t.name, t.shape)));
        }
        let n_elements: u64 = dims.iter().product();
        let ggml_type = bert::choose_type(&gguf_name, dims.len(), dims[0], out);
        let n_bytes = ggml_type.byte_size(dims[0], n_elements).ok_or_else(|| fail(format!("tensor '{}' is too large", t.name)))?;
        if tensors.iter().any(|p: &Planned| p.info.name == gguf_name) {
            return Err(fail(format!("tensor '{}' maps to '{gguf_name}', which another tensor already gave", t.name)));
        }
        tensors.push(Planned { src: t.clone(), skip_rows, info: TensorInfo { name: gguf_name, dims, ggml_type, n_bytes } });
    }
    check_shapes(&tensors, hp, n_vocab).map_err(fail)?;

    let mut notes = Vec::new();
    if !skipped.is_empty() {
        let groups: Vec<String> = skipped.iter().map(|(g, n)| format!("{g} ({n})")).collect();
        notes.push(format!("skipped {} tensors that embeddings do not use: {}", skipped.values().sum::<usize>(), groups.join(", ")));
    }
    Ok(Plan { tensors, notes })
}

/// The tensors llama.cpp's BERT loader insists on (`llama_model_bert::load_arch_tensors`), with
/// their shapes; `token_types` is optional there, but a config that declares token types and a
/// checkpoint without them is a broken model, so it is required whenever type_vocab_size > 0.
fn check_shapes(plan: &[Planned], hp: &BertHparams, n_vocab: u64) -> std::result::Result<(), String> {
    let (e, ff, ctx) = (hp.embedding_length as u64, hp.feed_forward_length as u64, hp.context_length as u64);
    let mut required: Vec<(String, Vec<u64>)> = vec![
        ("token_embd.weight".into(), vec![e, n_vocab]),
        ("position_embd.weight".into(), vec![e, ctx]),
        ("token_embd_norm.weight".into(), vec![e]),
        ("token_embd_norm.bias".into(), vec![e]),
    ];
    match hp.type_vocab_size {
        0 => {
            if let Some(p) = plan.iter().find(|p| p.info.name == "token_types.weight") {
                return Err(format!("tensor '{}' is present but config.json says type_vocab_size 0", p.src.name));
            }
        }
        t => required.push(("token_types.weight".into(), vec![e, t as u64])),
    }
    if let Some(labels) = &hp.classifier_labels {
        for (name, shape) in [
            ("cls.weight", vec![e, e]),
            ("cls.bias", vec![e]),
            ("cls.output.weight", vec![e, labels.len() as u64]),
            ("cls.output.bias", vec![labels.len() as u64]),
        ] {
            required.push((name.into(), shape));
        }
    }
    required.into_iter().try_for_each(|(name, shape)| check_one(plan, &name, &shape))?;
    // Layer by layer, stopping at the first problem: num_hidden_layers comes from config.json
    // and may be absurd (4294967295), so the list of what it implies is never built up front.
    for i in 0..hp.block_count {
        for (part, shape) in [
            ("attn_q.weight", vec![e, e]),
            ("attn_q.bias", vec![e]),
            ("attn_k.weight", vec![e, e]),
            ("attn_k.bias", vec![e]),
            ("attn_v.weight", vec![e, e]),
            ("attn_v.bias", vec![e]),
            ("attn_output.weight", vec![e, e]),
            ("attn_output.bias", vec![e]),
            ("attn_output_norm.weight", vec![e]),
            ("attn_output_norm.bias", vec![e]),
            ("ffn_up.weight", vec![e, ff]),
            ("ffn_up.bias", vec![ff]),
            ("ffn_down.weight", vec![ff, e]),
            ("ffn_down.bias", vec![e]),
            ("layer_output_norm.weight", vec![e]),
            ("layer_output_norm.bias", vec![e]),
        ] {
            check_one(plan, &format!("blk.{i}.{part}"), &shape)?;
        }
    }
    // Blocks past num_hidden_layers would be loaded by nobody: the config and weights disagree.
    if let Some(p) = plan.iter().find(|p| {
        p.info
            .name
            .strip_prefix("blk.")
            .and_then(|r| r.split('.').next())
            .and_then(|b| b.parse::<u32>().ok())
            .is_some_and(|b| b >= hp.block_count)
    }) {
        return Err(format!("tensor '{}' belongs to a layer beyond num_hidden_layers = {}", p.src.name, hp.block_count));
    }
    Ok(())
}

/// Checks that the tensor `name` is planned with `shape` (ggml order, as `check_shapes` lists it).
fn check_one(plan: &[Planned], name: &str, shape: &[u64]) -> std::result::Result<(), String> {
    // Compare as the file stores it: size-1 dimensions squeezed.
    let want: Vec<u64> = ggml_dims(&shape.iter().rev().copied().collect::<Vec<_>>());
    match plan.iter().find(|p| p.info.name == name) {
        None => {
            let hf = bert::hf_name_of(name).unwrap_or_default();
            Err(format!("missing required tensor '{hf}' (GGUF '{name}')"))
        }
        Some(p) if p.info.dims != want => {
            let implied: Vec<u64> = shape.iter().rev().copied().collect();
            let skipped = if p.skip_rows > 0 { format!(" less {} rows", p.skip_rows) } else { String::new() };
            Err(format!("tensor '{}' has shape {:?}{skipped}, config.json implies {implied:?}", p.src.name, p.src.shape))
        }
        Some(_) => Ok(()),
    }
}
