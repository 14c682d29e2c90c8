//! A small GGUF v2/v3 header reader: version, KV metadata and tensor infos, no tensor data.
//!
//! Meant for checking files (ours or downloaded ones) before handing them to llama.cpp, so it
//! treats the input as untrusted: every length is bounded by the bytes actually present, and
//! nothing is preallocated from a count read off the file.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use super::gguf::{align_up, GgufType, GgufValue, GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC};
use crate::error::{Error, ErrorCode, Result};

#[derive(Debug, Clone, PartialEq)]
pub struct GgufTensorInfo {
    pub name: String,
    /// ggml order: `dims[0]` is the innermost (row) length.
    pub dims: Vec<u64>,
    /// Raw `ggml_type` tag; see [`super::gguf::GgmlType::from_u32`] for the ones we know.
    pub ggml_type: u32,
    /// Offset relative to `data_offset`.
    pub offset: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GgufMetadata {
    pub version: u32,
    pub tensor_count: u64,
    /// In file order.
    pub kv: Vec<(String, GgufValue)>,
    pub tensors: Vec<GgufTensorInfo>,
    pub alignment: u64,
    /// Absolute file offset where tensor data starts.
    pub data_offset: u64,
}

impl GgufMetadata {
    pub fn get(&self, key: &str) -> Option<&GgufValue> {
        self.kv.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn tensor(&self, name: &str) -> Option<&GgufTensorInfo> {
        self.tensors.iter().find(|t| t.name == name)
    }
}

/// Reads the header of the GGUF file at `path`.
/// Errors: missing/unreadable file -> `ModelNotFound`; anything malformed -> `ModelInvalid`.
pub fn read_metadata(path: &Path) -> Result<GgufMetadata> {
    let file = File::open(path).map_err(|e| {
        Error::new(
            ErrorCode::ModelNotFound,
            format!("cannot open {}: {e}", path.display()),
        )
    })?;
    read_metadata_from(BufReader::new(file))
        .map_err(|e| Error::new(e.code(), format!("{}: {}", path.display(), e.message())))
}

/// Same as [`read_metadata`] over any reader positioned at the start of a GGUF stream.
pub fn read_metadata_from<R: Read>(r: R) -> Result<GgufMetadata> {
    let mut r = Counting { inner: r, pos: 0 };
    let mut magic = [0u8; 4];
    r.exact(&mut magic)?;
    if magic != GGUF_MAGIC {
        return invalid("not a GGUF file (bad magic)");
    }
    let version = r.u32()?;
    // v1 used 32-bit counts; llama.cpp no longer loads it either.
    if !(2..=3).contains(&version) {
        return invalid(format!("unsupported GGUF version {version}"));
    }
    let tensor_count = r.u64()?;
    let kv_count = r.u64()?;

    let mut kv = Vec::new();
    for _ in 0..kv_count {
        let key = r.string()?;
        let tag = r.u32()?;
        let value = r.value(tag, true)?;
        kv.push((key, value));
    }
    let alignment = match kv.iter().find(|(k, _)| k == "general.alignment") {
        None => GGUF_DEFAULT_ALIGNMENT,
        Some((_, GgufValue::U32(a))) if *a != 0 && a.is_power_of_two() => *a as u64,
        Some(_) => return invalid("general.alignment must be a non-zero power of two u32"),
    };

    let mut tensors = Vec::new();
    for _ in 0..tensor_count {
        let name = r.string()?;
        let n_dims = r.u32()?;
        if n_dims > 4 {
            return invalid(format!("tensor '{name}' has {n_dims} dimensions (max 4)"));
        }
        let dims = (0..n_dims).map(|_| r.u64()).collect::<Result<Vec<_>>>()?;
        let ggml_type = r.u32()?;
        let offset = r.u64()?;
        if offset % alignment != 0 {
            return invalid(format!(
                "tensor '{name}' data offset {offset} is not aligned to {alignment}"
            ));
        }
        tensors.push(GgufTensorInfo {
            name,
            dims,
            ggml_type,
            offset,
        });
    }
    let data_offset = align_up(r.pos, alignment);
    Ok(GgufMetadata {
        version,
        tensor_count,
        kv,
        tensors,
        alignment,
        data_offset,
    })
}

fn invalid<T>(msg: impl Into<String>) -> Result<T> {
    Err(Error::new(ErrorCode::ModelInvalid, msg))
}

/// A reader that knows how far it has read (to find the data section).
struct Counting<R> {
    inner: R,
    pos: u64,
}

impl<R: Read> Counting<R> {
    fn exact(&mut self, buf: &mut [u8]) -> Result<()> {
        self.inner.read_exact(buf).map_err(|e| {
            Error::new(
                ErrorCode::ModelInvalid,
                format!("truncated GGUF header at byte {}: {e}", self.pos),
            )
        })?;
        self.pos += buf.len() as u64;
        Ok(())
    }

    fn bytes<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut b = [0u8; N];
        self.exact(&mut b)?;
        Ok(b)
    }

    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.bytes()?))
    }

    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.bytes()?))
    }

    fn string(&mut self) -> Result<String> {
        let len = self.u64()?;
        // `take` + `read_to_end` grows the buffer only as data arrives, so a forged length
        // cannot make us allocate gigabytes up front.
        let mut buf = Vec::new();
        let got = (&mut self.inner)
            .take(len)
            .read_to_end(&mut buf)
            .map_err(|e| {
                Error::new(
                    ErrorCode::ModelInvalid,
                    format!("read error in GGUF header: {e}"),
                )
            })?;
        self.pos += got as u64;
        if got as u64 != len {
            return invalid(format!("truncated GGUF string at byte {}", self.pos));
        }
        String::from_utf8(buf)
            .or_else(|_| invalid(format!("GGUF string before byte {} is not UTF-8", self.pos)))
    }

    fn value(&mut self, tag: u32, allow_array: bool) -> Result<GgufValue> {
        let Some(ty) = GgufType::from_u32(tag) else {
            return invalid(format!("unknown GGUF value type {tag}"));
        };
        Ok(match ty {
            GgufType::U8 => GgufValue::U8(u8::from_le_bytes(self.bytes()?)),
            GgufType::I8 => GgufValue::I8(i8::from_le_bytes(self.bytes()?)),
            GgufType::U16 => GgufValue::U16(u16::from_le_bytes(self.bytes()?)),
            GgufType::I16 => GgufValue::I16(i16::from_le_bytes(self.bytes()?)),
            GgufType::U32 => GgufValue::U32(self.u32()?),
            GgufType::I32 => GgufValue::I32(i32::from_le_bytes(self.bytes()?)),
            GgufType::U64 => GgufValue::U64(self.u64()?),
            GgufType::I64 => GgufValue::I64(i64::from_le_bytes(self.bytes()?)),
            GgufType::F32 => GgufValue::F32(f32::from_le_bytes(self.bytes()?)),
            GgufType::F64 => GgufValue::F64(f64::from_le_bytes(self.bytes()?)),
            GgufType::Bool => match self.bytes::<1>()?[0] {
                0 => GgufValue::Bool(false),
                1 => GgufValue::Bool(true),
                b => return invalid(format!("invalid GGUF bool byte {b}")),
            },
            GgufType::String => GgufValue::Str(self.string()?),
            GgufType::Array => {
                if !allow_array {
                    return invalid("nested GGUF arrays are not supported");
                }
                let elem_tag = self.u32()?;
                let elem = GgufType::from_u32(elem_tag).ok_or_else(|| {
                    Error::new(
                        ErrorCode::ModelInvalid,
                        format!("unknown GGUF array type {elem_tag}"),
                    )
                })?;
                let n = self.u64()?;
                let mut items = Vec::new(); // no with_capacity(n): n is untrusted
                for _ in 0..n {
                    items.push(self.value(elem_tag, false)?);
                }
                GgufValue::Array(elem, items)
            }
        })
    }
}
