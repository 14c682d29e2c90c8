//! BERT tensors, mirroring `BertModel.modify_tensors` in llama.cpp's convert_hf_to_gguf.py:
//! the HF -> GGUF tensor names, which tensors are skipped, and the output type rules.

use super::gguf::GgmlType;
use super::ConvertType;

/// HF embedding module -> GGUF tensor stem.
const EMBEDDINGS: &[(&str, &str)] = &[
    ("embeddings.word_embeddings", "token_embd"),
    ("embeddings.token_type_embeddings", "token_types"),
    ("embeddings.position_embeddings", "position_embd"),
    ("embeddings.LayerNorm", "token_embd_norm"),
];

/// HF module inside `encoder.layer.N.` -> GGUF tensor stem inside `blk.N.`.
const LAYER: &[(&str, &str)] = &[
    ("attention.self.query", "attn_q"),
    ("attention.self.key", "attn_k"),
    ("attention.self.value", "attn_v"),
    ("attention.output.dense", "attn_output"),
    ("attention.output.LayerNorm", "attn_output_norm"),
    ("intermediate.dense", "ffn_up"),
    ("output.dense", "ffn_down"),
    ("output.LayerNorm", "layer_output_norm"),
];

/// What becomes of one HF tensor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mapped {
    /// A tensor llama.cpp's BERT graph uses, under its GGUF name.
    Tensor(String),
    /// A buffer the checkpoint happens to save (`position_ids`): dropped without a word.
    Buffer,
    /// Outside the encoder (the pooler, MLM/NSP/classifier heads): dropped with a note naming
    /// the group (`pooler.*`), since embeddings never use them.
    Head(String),
}

/// A sequence classifier's head -> llama.cpp's rank-pooling head (`cls`: dense + tanh on the
/// first token, `cls.output`: the projection to the labels). BERT's is its pooler and
/// `classifier`; RoBERTa's `RobertaClassificationHead` is `classifier.dense` and `.out_proj`.
const CLASSIFIER: &[(&str, &str)] = &[
    ("pooler.dense", "cls"),
    ("classifier.dense", "cls"),
    ("classifier.out_proj", "cls.output"),
    ("classifier", "cls.output"),
];

/// HF tensor name -> what it becomes; `None` for a name inside the encoder (`embeddings.*`,
/// `encoder.*`) that llama.cpp has no tensor for, which means an encoder variant we cannot run.
/// With `classifier`, the model is a sequence classifier and its head is kept.
pub fn map_tensor_name(hf_name: &str, classifier: bool) -> Option<Mapped> {
    // Task models (BertForMaskedLM, XLMRobertaForMaskedLM, ...) nest the encoder under a prefix.
    let name = hf_name.strip_prefix("bert.").or_else(|| hf_name.strip_prefix("roberta.")).unwrap_or(hf_name);
    // Old TF-converted checkpoints call LayerNorm parameters gamma/beta.
    let name = match (name.strip_suffix(".gamma"), name.strip_suffix(".beta")) {
        (Some(stem), _) => format!("{stem}.weight"),
        (_, Some(stem)) => format!("{stem}.bias"),
        _ => name.to_string(),
    };
    if matches!(name.as_str(), "embeddings.position_ids" | "embeddings.token_type_ids") {
        return Some(Mapped::Buffer);
    }
    if classifier {
        if let Some((stem, suffix)) = name.rsplit_once('.') {
            if let Some(&(_, g)) = CLASSIFIER.iter().find(|(h, _)| *h == stem) {
                return Some(Mapped::Tensor(format!("{g}.{suffix}")));
            }
        }
    }
    if !name.starts_with("embeddings.") && !name.starts_with("encoder.") {
        let group = name.split('.').next().unwrap_or(&name);
        return Some(Mapped::Head(format!("{group}.*")));
    }
    let (stem, suffix) = name.rsplit_once('.')?;
    if suffix != "weight" && suffix != "bias" {
        return None;
    }
    let mapped = if let Some(&(_, g)) = EMBEDDINGS.iter().find(|(h, _)| *h == stem) {
        g.to_string()
    } else {
        let rest = stem.strip_prefix("encoder.layer.")?;
        let (bid, part) = rest.split_once('.')?;
        let bid: u32 = bid.parse().ok()?;
        let &(_, g) = LAYER.iter().find(|(h, _)| *h == part)?;
        format!("blk.{bid}.{g}")
    };
    Some(Mapped::Tensor(format!("{mapped}.{suffix}")))
}

/// The HF name (without the task model's `bert.` prefix) a GGUF tensor comes from, for messages.
pub fn hf_name_of(gguf_name: &str) -> Option<String> {
    let (stem, suffix) = gguf_name.rsplit_once('.')?;
    if let Some(&(h, _)) = EMBEDDINGS.iter().chain(CLASSIFIER).find(|(_, g)| *g == stem) {
        return Some(format!("{h}.{suffix}"));
    }
    let (bid, part) = stem.strip_prefix("blk.")?.split_once('.')?;
    let &(h, _) = LAYER.iter().find(|(_, g)| *g == part)?;
    Some(format!("encoder.layer.{bid}.{h}.{suffix}"))
}

/// The ggml type a tensor is stored as, following `ModelBase.prepare_tensors`:
/// 1-D tensors, `*_norm.weight`, biases (anything not `.weight`), `position_embd` and
/// `token_types` stay F32; everything else takes the requested type, except that a Q8_0
/// tensor whose rows are not a multiple of 32 falls back to F16 (the Python QuantError path).
/// `n_dims` and `row_len` are taken after squeezing size-1 dimensions, as Python does.
pub fn choose_type(gguf_name: &str, n_dims: usize, row_len: u64, out: ConvertType) -> GgmlType {
    let keep_f32 = n_dims <= 1
        || gguf_name.ends_with("_norm.weight")
        || !gguf_name.ends_with(".weight")
        || gguf_name.starts_with("position_embd.")
        || gguf_name.starts_with("token_types.");
    if keep_f32 {
        return GgmlType::F32;
    }
    match out {
        ConvertType::F32 => GgmlType::F32,
        ConvertType::F16 => GgmlType::F16,
        ConvertType::Q8_0 if row_len.is_multiple_of(super::quant::QK8_0 as u64) => GgmlType::Q8_0,
        ConvertType::Q8_0 => GgmlType::F16,
    }
}
