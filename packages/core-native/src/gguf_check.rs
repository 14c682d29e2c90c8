//! The structure of a GGUF file, checked by our own bounded reader before llama.cpp parses it.
//!
//! llama.cpp's loader trusts parts of the header: a tensor whose shape, type or offset does not
//! fit the file can reach a `GGML_ASSERT` (an abort of the whole process) rather than an error.
//! Here every tensor must have a known type, a shape whose byte size does not overflow, and data
//! that lies inside the file; anything else is `MODEL_INVALID` (or `MODEL_UNSUPPORTED` for a type
//! this llama.cpp does not know) with the file and the tensor named.

use crate::convert::read_metadata;
use crate::error::{Error, ErrorCode, Result};
use llama_cpp_sys_2 as sys;
use std::collections::HashSet;
use std::path::Path;

/// Where a checked file's tensor data lies: what the model fingerprint samples.
pub struct Layout {
    /// Bytes before the tensor data: the header, metadata and tensor table.
    pub data_offset: u64,
    /// Each tensor's (offset from `data_offset`, size in bytes), in table order.
    pub tensors: Vec<(u64, u64)>,
    /// Some tensor has a type that ggml's AMX matrix kernels take (Q4_0, Q4_1, Q8_0, the K
    /// quants, IQ4_XS): see `RawModel::load`.
    pub has_amx_tile_types: bool,
}

/// The types ggml's AMX code runs with tile instructions (ggml-cpu/amx/common.h).
const AMX_TILE_TYPES: [u32; 7] = [
    sys::GGML_TYPE_Q4_0 as u32,
    sys::GGML_TYPE_Q4_1 as u32,
    sys::GGML_TYPE_Q8_0 as u32,
    sys::GGML_TYPE_Q4_K as u32,
    sys::GGML_TYPE_Q5_K as u32,
    sys::GGML_TYPE_Q6_K as u32,
    sys::GGML_TYPE_IQ4_XS as u32,
];

pub fn check(path: &Path, file_len: u64) -> Result<Layout> {
    let bad = |code: ErrorCode, msg: String| Err(Error::new(code, format!("{}: {msg}", path.display())));
    let meta = match read_metadata(path) {
        Ok(m) => m,
        Err(e) => return bad(e.code(), e.message().to_string()),
    };
    if meta.data_offset > file_len {
        return bad(
            ErrorCode::ModelInvalid,
            format!("the header ends at byte {} but the file has {file_len}: truncated", meta.data_offset),
        );
    }
    check_vocab(&meta).or_else(|msg| bad(ErrorCode::ModelInvalid, msg).map(|_: Layout| ()))?;
    let data_len = file_len - meta.data_offset;
    let has_amx_tile_types = meta.tensors.iter().any(|t| AMX_TILE_TYPES.contains(&t.ggml_type));
    let mut layout = Layout { data_offset: meta.data_offset, tensors: Vec::with_capacity(meta.tensors.len()), has_amx_tile_types };
    let mut names = HashSet::new();
    for t in &meta.tensors {
        let name = &t.name;
        if !names.insert(name.as_str()) {
            return bad(ErrorCode::ModelInvalid, format!("tensor '{name}' appears twice"));
        }
        if t.ggml_type >= sys::GGML_TYPE_COUNT as u32 {
            return bad(
                ErrorCode::ModelUnsupported,
                format!("tensor '{name}' has ggml type {}, which this llama.cpp does not know", t.ggml_type),
            );
        }
        // SAFETY: a pure table lookup for a type id below GGML_TYPE_COUNT.
        let block = unsafe { sys::ggml_blck_size(t.ggml_type as sys::ggml_type) };
        if block <= 0 {
            return bad(
                ErrorCode::ModelUnsupported,
                format!("tensor '{name}' has ggml type {}, which llama.cpp no longer supports", t.ggml_type),
            );
        }
        let Some(&row_len) = t.dims.first() else {
            return bad(ErrorCode::ModelInvalid, format!("tensor '{name}' has no dimensions"));
        };
        if t.dims.iter().any(|&d| d == 0 || d > i64::MAX as u64) || row_len % block as u64 != 0 {
            return bad(ErrorCode::ModelInvalid, format!("tensor '{name}' has an impossible shape {:?} for its type", t.dims));
        }
        let rows = t.dims[1..].iter().try_fold(1u64, |acc, &d| acc.checked_mul(d));
        // SAFETY: a type below GGML_TYPE_COUNT with a positive block size and a row length that
        // is a multiple of it: plain arithmetic in ggml.
        let row_bytes = unsafe { sys::ggml_row_size(t.ggml_type as sys::ggml_type, row_len as i64) } as u64;
        let end = rows.and_then(|r| r.checked_mul(row_bytes)).and_then(|size| size.checked_add(t.offset));
        match end {
            Some(end) if end <= data_len => layout.tensors.push((t.offset, end - t.offset)),
            Some(end) => {
                return bad(
                    ErrorCode::ModelInvalid,
                    format!("tensor '{name}' ends at byte {} of the data but the file holds {data_len}: truncated or corrupt", end),
                );
            }
            None => return bad(ErrorCode::ModelInvalid, format!("tensor '{name}' has a size that overflows ({:?})", t.dims)),
        }
    }
    Ok(layout)
}

/// The vocabulary facts llama.cpp asserts rather than checks: one id per token text, parallel
/// arrays of the same length, special ids inside the vocabulary.
fn check_vocab(meta: &crate::convert::GgufMetadata) -> std::result::Result<(), String> {
    let Some(tokens) = meta.get("tokenizer.ggml.tokens") else { return Ok(()) };
    let tokens = tokens.as_array().ok_or("tokenizer.ggml.tokens is not an array")?;
    let mut seen = HashSet::with_capacity(tokens.len());
    for (id, t) in tokens.iter().enumerate() {
        let text = t.as_str().ok_or_else(|| format!("token {id} of tokenizer.ggml.tokens is not a string"))?;
        // llama.cpp reads token texts as C strings: a NUL cuts them there.
        let text = text.split('\0').next().unwrap_or_default();
        if !seen.insert(text) {
            return Err(format!("token {id} ({text:?}) appears twice in tokenizer.ggml.tokens"));
        }
    }
    for key in ["tokenizer.ggml.scores", "tokenizer.ggml.token_type"] {
        if let Some(v) = meta.get(key) {
            let n = v.as_array().ok_or_else(|| format!("{key} is not an array"))?.len();
            if n != tokens.len() {
                return Err(format!("{key} has {n} entries for {} tokens", tokens.len()));
            }
        }
    }
    for (key, value) in &meta.kv {
        if key.starts_with("tokenizer.ggml.") && key.ends_with("_token_id") {
            match value.as_u64() {
                Some(id) if (id as usize) < tokens.len() => {}
                _ => return Err(format!("{key} is not a token id of the {}-token vocabulary", tokens.len())),
            }
        }
    }
    Ok(())
}
