//! Streaming GGUF v3 writer.
//!
//! Layout (gguf.cpp): magic, version u32, tensor count u64, KV count u64, the KV pairs, the
//! tensor infos (name, n_dims u32, dims u64 innermost first, type u32, offset u64 relative to
//! the data section), zero padding to the alignment, then each tensor's bytes padded to the
//! alignment. Sizes are known from shapes, so the header is written first and tensors are
//! streamed one at a time: memory stays at one tensor, not the whole model.

use std::collections::VecDeque;
use std::io::{self, Write};

use super::gguf::{
    align_up, GgmlType, GgufType, GgufValue, GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GGUF_VERSION,
};

/// What the header says about one tensor.
#[derive(Debug, Clone)]
pub struct TensorInfo {
    pub name: String,
    /// ggml order: `dims[0]` is the innermost (row) length, i.e. the reverse of a numpy shape.
    pub dims: Vec<u64>,
    pub ggml_type: GgmlType,
    pub n_bytes: u64,
}

pub struct GgufWriter<W: Write> {
    out: W,
    pos: u64,
    /// Byte sizes of the tensors still to be written, in header order.
    pending: VecDeque<u64>,
}

impl<W: Write> GgufWriter<W> {
    pub fn new(out: W) -> Self {
        GgufWriter {
            out,
            pos: 0,
            pending: VecDeque::new(),
        }
    }

    /// Writes everything up to the start of the tensor data.
    pub fn write_header(
        &mut self,
        kv: &[(String, GgufValue)],
        tensors: &[TensorInfo],
    ) -> io::Result<()> {
        self.put(&GGUF_MAGIC)?;
        self.put(&GGUF_VERSION.to_le_bytes())?;
        self.put(&(tensors.len() as u64).to_le_bytes())?;
        self.put(&(kv.len() as u64).to_le_bytes())?;
        for (key, value) in kv {
            self.put_str(key)?;
            self.put(&(value.type_of() as u32).to_le_bytes())?;
            self.put_value(value)?;
        }
        let mut offset = 0u64;
        for t in tensors {
            self.put_str(&t.name)?;
            self.put(&(t.dims.len() as u32).to_le_bytes())?;
            for d in &t.dims {
                self.put(&d.to_le_bytes())?;
            }
            self.put(&(t.ggml_type as u32).to_le_bytes())?;
            self.put(&offset.to_le_bytes())?;
            offset += align_up(t.n_bytes, GGUF_DEFAULT_ALIGNMENT);
            self.pending.push_back(t.n_bytes);
        }
        self.pad()
    }

    /// Writes the next tensor's data (header order) followed by alignment padding.
    pub fn write_tensor_data(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self.pending.pop_front() {
            Some(n) if n == bytes.len() as u64 => {}
            // A size mismatch would silently shift every later tensor: refuse it.
            other => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "tensor data of {} bytes does not match the header ({other:?})",
                        bytes.len()
                    ),
                ))
            }
        }
        self.put(bytes)?;
        self.pad()
    }

    /// Flushes and returns the sink and the total bytes written. Fails if tensors are missing.
    pub fn finish(mut self) -> io::Result<(W, u64)> {
        if !self.pending.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{} tensors announced in the header were never written",
                    self.pending.len()
                ),
            ));
        }
        self.out.flush()?;
        Ok((self.out, self.pos))
    }

    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.pos += bytes.len() as u64;
        Ok(())
    }

    fn put_str(&mut self, s: &str) -> io::Result<()> {
        self.put(&(s.len() as u64).to_le_bytes())?;
        self.put(s.as_bytes())
    }

    fn pad(&mut self) -> io::Result<()> {
        let n = (align_up(self.pos, GGUF_DEFAULT_ALIGNMENT) - self.pos) as usize;
        self.put(&[0u8; GGUF_DEFAULT_ALIGNMENT as usize][..n])
    }

    fn put_value(&mut self, value: &GgufValue) -> io::Result<()> {
        match value {
            GgufValue::U8(v) => self.put(&v.to_le_bytes()),
            GgufValue::I8(v) => self.put(&v.to_le_bytes()),
            GgufValue::U16(v) => self.put(&v.to_le_bytes()),
            GgufValue::I16(v) => self.put(&v.to_le_bytes()),
            GgufValue::U32(v) => self.put(&v.to_le_bytes()),
            GgufValue::I32(v) => self.put(&v.to_le_bytes()),
            GgufValue::U64(v) => self.put(&v.to_le_bytes()),
            GgufValue::I64(v) => self.put(&v.to_le_bytes()),
            GgufValue::F32(v) => self.put(&v.to_le_bytes()),
            GgufValue::F64(v) => self.put(&v.to_le_bytes()),
            GgufValue::Bool(v) => self.put(&[*v as u8]),
            GgufValue::Str(s) => self.put_str(s),
            GgufValue::Array(elem, items) => {
                // gguf.cpp rejects nested arrays and mixed element types; so do we.
                if *elem == GgufType::Array || items.iter().any(|v| v.type_of() != *elem) {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "GGUF arrays must be flat and uniform",
                    ));
                }
                self.put(&(*elem as u32).to_le_bytes())?;
                self.put(&(items.len() as u64).to_le_bytes())?;
                items.iter().try_for_each(|v| self.put_value(v))
            }
        }
    }
}
