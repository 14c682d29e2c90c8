//! Minimal safetensors reader: `u64 LE header length | JSON header | raw little-endian data`.
//!
//! Parsed by hand (the format is tiny) so the converter needs no extra crate. Tensors are read
//! one at a time with seek + read, so converting never holds more than one tensor in memory.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::quant::{bf16_to_f32, f16_to_f32};
use crate::error::{Error, ErrorCode, Result};

/// Refuse absurd headers before allocating for them (real ones are a few hundred KiB).
const MAX_HEADER_BYTES: u64 = 100 << 20;

#[derive(Debug, Clone)]
pub struct StTensor {
    pub name: String,
    /// "F32", "F16", "BF16", "I64", ... as written in the header.
    pub dtype: String,
    /// Row-major (numpy) shape: the last dimension is the innermost.
    pub shape: Vec<u64>,
    /// Absolute byte range in the file.
    pub start: u64,
    pub end: u64,
}

pub struct SafeTensors {
    path: PathBuf,
    file: File,
    /// Sorted by name, the order `safe_open(...).keys()` gives the Python converter.
    pub tensors: Vec<StTensor>,
    /// Bytes after the header: an upper bound for any count the model implies (vocabulary size).
    pub data_len: u64,
}

fn bad<T>(path: &Path, msg: impl std::fmt::Display) -> Result<T> {
    Err(Error::new(ErrorCode::ConvertFailed, format!("{}: {msg}", path.display())))
}

fn dtype_size(dtype: &str) -> Option<u64> {
    Some(match dtype {
        "F64" | "I64" | "U64" => 8,
        "F32" | "I32" | "U32" => 4,
        "F16" | "BF16" | "I16" | "U16" => 2,
        "I8" | "U8" | "BOOL" | "F8_E4M3" | "F8_E5M2" => 1,
        _ => return None,
    })
}

impl SafeTensors {
    pub fn open(path: &Path) -> Result<SafeTensors> {
        let mut file =
            File::open(path).map_err(|e| Error::new(ErrorCode::ModelNotFound, format!("cannot open {}: {e}", path.display())))?;
        let file_len = file.metadata().map_err(|e| Error::new(ErrorCode::Io, format!("cannot stat {}: {e}", path.display())))?.len();
        let mut len_bytes = [0u8; 8];
        if file.read_exact(&mut len_bytes).is_err() {
            return bad(path, "file is shorter than the 8-byte safetensors header length");
        }
        let header_len = u64::from_le_bytes(len_bytes);
        if header_len > MAX_HEADER_BYTES || header_len > file_len - 8 {
            return bad(path, format!("header length {header_len} exceeds the file (truncated or not safetensors)"));
        }
        let mut header = vec![0u8; header_len as usize];
        if let Err(e) = file.read_exact(&mut header) {
            return bad(path, format!("cannot read header: {e}"));
        }
        let json: serde_json::Value = match serde_json::from_slice(&header) {
            Ok(v) => v,
            Err(e) => return bad(path, format!("header is not valid JSON: {e}")),
        };
        let Some(entries) = json.as_object() else {
            return bad(path, "header is not a JSON object");
        };

        let data_start = 8 + header_len;
        let data_len = file_len - data_start;
        let mut tensors = Vec::new();
        for (name, entry) in entries {
            if name == "__metadata__" {
                continue;
            }
            let dtype = entry.get("dtype").and_then(|d| d.as_str());
            let shape: Option<Vec<u64>> =
                entry.get("shape").and_then(|s| s.as_array()).and_then(|a| a.iter().map(|d| d.as_u64()).collect());
            let offsets: Option<Vec<u64>> =
                entry.get("data_offsets").and_then(|s| s.as_array()).and_then(|a| a.iter().map(|d| d.as_u64()).collect());
            let (Some(dtype), Some(shape), Some(offsets)) = (dtype, shape, offsets) else {
                return bad(path, format!("tensor '{name}' lacks a valid dtype, shape or data_offsets"));
            };
            let [begin, end] = offsets[..] else {
                return bad(path, format!("tensor '{name}' data_offsets must have two entries"));
            };
            if begin > end || end > data_len {
                return bad(
                    path,
                    format!("tensor '{name}' data [{begin}, {end}) lies outside the {data_len} data bytes (truncated file?)"),
                );
            }
            let expected =
                shape.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d)).zip(dtype_size(dtype)).and_then(|(n, s)| n.checked_mul(s));
            // Unknown dtypes are tolerated here (the tensor may be skipped); size is checked when read.
            if dtype_size(dtype).is_some() && expected != Some(end - begin) {
                let needs = expected.map_or_else(|| "more than 2^64 bytes".to_string(), |n| n.to_string());
                return bad(path, format!("tensor '{name}' has {} data bytes but shape {shape:?} of {dtype} needs {needs}", end - begin));
            }
            tensors.push(StTensor {
                name: name.clone(),
                dtype: dtype.to_string(),
                shape,
                start: data_start + begin,
                end: data_start + end,
            });
        }
        // Two tensors sharing bytes is a corrupt header (the safetensors library refuses it too).
        let mut by_offset: Vec<&StTensor> = tensors.iter().collect();
        by_offset.sort_by_key(|t| (t.start, t.end));
        if let Some(w) = by_offset.windows(2).find(|w| w[1].start < w[0].end) {
            let (a, b) = (w[0], w[1]);
            let at = |t: &StTensor| (t.start - data_start, t.end - data_start);
            return bad(path, format!("tensors '{}' {:?} and '{}' {:?} have overlapping data_offsets", a.name, at(a), b.name, at(b)));
        }
        // Bytes past the last tensor mean the header length or the offsets are off (a header
        // length one short shifts every tensor by a byte): the safetensors library refuses it.
        let used = by_offset.last().map_or(0, |t| t.end - data_start);
        if used != data_len {
            return bad(
                path,
                format!(
                    "the tensors end at data byte {used} but the file has {data_len} data bytes (wrong header length or data_offsets?)"
                ),
            );
        }
        tensors.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(SafeTensors { path: path.to_path_buf(), file, tensors, data_len })
    }

    /// Reads a floating-point tensor and widens it to f32 (exact for F16/BF16 sources).
    pub fn read_f32(&mut self, t: &StTensor) -> Result<Vec<f32>> {
        let elem = match t.dtype.as_str() {
            "F32" => 4,
            "F16" | "BF16" => 2,
            other => return bad(&self.path, format!("tensor '{}' has dtype {other}; only F32, F16 and BF16 are supported", t.name)),
        };
        let mut raw = vec![0u8; (t.end - t.start) as usize];
        let read = self.file.seek(SeekFrom::Start(t.start)).and_then(|_| self.file.read_exact(&mut raw));
        if let Err(e) = read {
            return bad(&self.path, format!("cannot read tensor '{}': {e}", t.name));
        }
        Ok(match elem {
            4 => raw.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect(),
            _ if t.dtype == "F16" => raw.chunks_exact(2).map(|b| f16_to_f32(u16::from_le_bytes([b[0], b[1]]))).collect(),
            _ => raw.chunks_exact(2).map(|b| bf16_to_f32(u16::from_le_bytes([b[0], b[1]]))).collect(),
        })
    }
}
