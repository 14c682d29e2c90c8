//! Hugging Face BERT-family folder (safetensors) -> GGUF, without Python or torch.
//!
//! The output is meant to match llama.cpp's `convert_hf_to_gguf.py` for `BertModel` (and
//! `XLMRobertaModel`): the same metadata keys, tensor names, tokenizer encoding and choice of
//! which tensors stay f32, so a model converted here behaves exactly like one converted
//! upstream. On top of that it records the sentence-transformers settings (pooling, Normalize,
//! max_seq_length, prompts) and the WordPiece normalizer as `mullama.*` keys.

mod bert;
mod config;
pub mod gguf;
pub mod gguf_read;
pub mod gguf_write;
mod metadata;
mod normalizer;
mod plan;
pub mod quant;
mod safetensors;
mod special_vocab;
mod st_config;
#[cfg(test)]
mod tests;
mod vocab;
mod vocab_ugm;
mod vocab_wpm;

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorCode, Result};
use gguf::{GgmlType, GgufValue};
use gguf_write::{GgufWriter, TensorInfo};
use plan::{plan_tensors, Planned};
use st_config::read_st_settings;

pub use gguf_read::{read_metadata, GgufMetadata, GgufTensorInfo};

pub use crate::api::{ConvertOptions, ConvertReport, ConvertType};

impl ConvertType {
    /// `general.file_type` (llama_ftype): ALL_F32 = 0, MOSTLY_F16 = 1, MOSTLY_Q8_0 = 7.
    fn file_type(self) -> u32 {
        match self {
            ConvertType::F32 => 0,
            ConvertType::F16 => 1,
            ConvertType::Q8_0 => 7,
        }
    }
}

/// Converts the BERT-family model in `src_dir` to a GGUF file at `dst`.
/// Writes to a temp file next to `dst` and renames it into place, so a failed conversion never leaves a half-written model.
/// Notes (tensors skipped, ...) go to stderr; [`convert_with_notes`] returns them instead.
pub fn convert_hf_to_gguf(src_dir: &Path, dst: &Path, opts: &ConvertOptions) -> Result<ConvertReport> {
    let (report, notes) = convert_with_notes(src_dir, dst, opts)?;
    for n in notes {
        eprintln!("mullama-convert: note: {n}");
    }
    Ok(report)
}

/// [`convert_hf_to_gguf`], with the notes about what was left out returned, not printed.
pub fn convert_with_notes(src_dir: &Path, dst: &Path, opts: &ConvertOptions) -> Result<(ConvertReport, Vec<String>)> {
    if !src_dir.is_dir() {
        return Err(Error::new(ErrorCode::ModelNotFound, format!("{} is not a directory", src_dir.display())));
    }
    let config_path = src_dir.join("config.json");
    let config = config::read_json(&config_path)?;
    let hp = config::parse_config(&config_path, &config)?;
    let st_path = src_dir.join("model.safetensors");
    if !st_path.is_file() {
        return Err(Error::new(
            ErrorCode::ModelNotFound,
            format!("{} not found (sharded safetensors and pytorch_model.bin are not supported)", st_path.display()),
        ));
    }
    let mut st = safetensors::SafeTensors::open(&st_path)?;
    let st_settings = read_st_settings(src_dir)?;
    let max_vocab = plan::embedding_rows(&st, &st_path)?;
    let vocab = vocab::load_vocab(src_dir, hp.vocab_size, &config, &st_settings, max_vocab)?;
    let plan = plan_tensors(&st, &st_path, &hp, vocab.tokens.len() as u64, opts.r#type)?;
    let n_params: u64 = plan.tensors.iter().map(|p| p.info.dims.iter().product::<u64>()).sum();
    let kv = metadata::metadata(src_dir, opts, &hp, &vocab, &st_settings, n_params);

    let tmp = temp_path(dst);
    let result = write_file(&tmp, &kv, &plan.tensors, &mut st, &st_path);
    let bytes_written = match result.and_then(|n| {
        std::fs::rename(&tmp, dst).map_err(|e| io_err(dst, "cannot move the converted model into place", e))?;
        Ok(n)
    }) {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp); // best effort: never leave a partial file behind
            return Err(e);
        }
    };
    let report = ConvertReport {
        architecture: "bert".to_string(),
        tensors: plan.tensors.len(),
        parameters: n_params,
        r#type: opts.r#type,
        bytes_written,
        dimension: hp.embedding_length,
        pooling: st_settings.pooling.and_then(|p| p.strategy()).filter(|_| hp.classifier_labels.is_none()),
        is_reranker: hp.classifier_labels.is_some(),
    };
    Ok((report, plan.notes))
}

fn io_err(path: &Path, what: &str, e: std::io::Error) -> Error {
    Error::new(ErrorCode::Io, format!("{what} ({}): {e}", path.display()))
}

fn temp_path(dst: &Path) -> PathBuf {
    let name = dst.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "model.gguf".into());
    dst.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

fn write_file(tmp: &Path, kv: &[(String, GgufValue)], plan: &[Planned], st: &mut safetensors::SafeTensors, st_path: &Path) -> Result<u64> {
    let file = File::create(tmp).map_err(|e| io_err(tmp, "cannot create output file", e))?;
    let mut w = GgufWriter::new(BufWriter::with_capacity(1 << 20, file));
    let infos: Vec<TensorInfo> = plan.iter().map(|p| p.info.clone()).collect();
    w.write_header(kv, &infos).map_err(|e| io_err(tmp, "cannot write GGUF header", e))?;
    let mut buf = Vec::new();
    for p in plan {
        let mut values = st.read_f32(&p.src)?;
        if p.skip_rows > 0 {
            let row: u64 = p.src.shape[1..].iter().product();
            values.drain(..(p.skip_rows * row) as usize);
        }
        buf.clear();
        match p.info.ggml_type {
            GgmlType::F32 => quant::encode_f32(&values, &mut buf),
            GgmlType::F16 => quant::encode_f16(&values, &mut buf),
            GgmlType::Q8_0 => quant::quantize_q8_0(&values, &mut buf),
            GgmlType::BF16 => {
                return Err(Error::new(ErrorCode::ConvertFailed, format!("{}: BF16 output is not supported", st_path.display())))
            }
        }
        w.write_tensor_data(&buf).map_err(|e| io_err(tmp, "cannot write tensor data", e))?;
    }
    let (out, n) = w.finish().map_err(|e| io_err(tmp, "cannot finish output file", e))?;
    let file = out.into_inner().map_err(|e| io_err(tmp, "cannot flush output file", e.into_error()))?;
    file.sync_all().map_err(|e| io_err(tmp, "cannot sync output file", e))?;
    Ok(n)
}
