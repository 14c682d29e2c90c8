//! Embedding spaces: which vectors may be compared. Two vectors are comparable only when the
//! same weights made them with the same pooling, normalisation, dimensions, precision (and int8
//! calibration) and prompt of their own (the model's query and document prompts are one space:
//! queries are made to be compared with documents); `Embedding.space` names that combination, and the similarity
//! functions refuse to mix two (`SPACE_MISMATCH`) instead of returning a meaningless number.
//!
//! Both ids are SHA-256 over bytes that do not depend on the machine, the language or the run
//! (no paths, no times), shortened to 16 hex digits (64 bits).

use crate::api::{Embedding, Precision};
use crate::error::{err, ErrorCode, Result};
use crate::ffi::LlamaPooling;
use crate::gguf_check::Layout;
use crate::queue::Mode;
use sha2::{Digest, Sha256};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// Bytes read from the start, middle and end of every tensor. Reading whole files would cost
/// seconds on a multi-GB decoder at every load; a fine-tune changes every tensor, so samples of
/// each tell two checkpoints apart. (What it cannot see: an edit that avoids every sample.)
const SAMPLE: u64 = 4096;

fn hex16(d: impl AsRef<[u8]>) -> String {
    d.as_ref()[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The model's fingerprint: the header (metadata, tensor table) and samples of every tensor.
pub fn model_fingerprint(path: &Path, layout: &Layout) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    h.update(b"mullama-model-v1\0");
    let mut buf = vec![0u8; layout.data_offset as usize];
    f.read_exact(&mut buf)?;
    h.update(&buf);
    for &(offset, size) in &layout.tensors {
        let at = layout.data_offset + offset;
        let mut starts = vec![0, size.saturating_sub(SAMPLE) / 2, size.saturating_sub(SAMPLE)];
        starts.dedup();
        for s in starts {
            let n = SAMPLE.min(size - s) as usize;
            buf.resize(n, 0);
            f.seek(SeekFrom::Start(at + s))?;
            f.read_exact(&mut buf)?;
            h.update(&buf);
        }
    }
    Ok(hex16(h.finalize()))
}

/// What makes one call's vectors a space of their own.
pub struct SpaceParts<'a> {
    pub model: &'a str,
    pub mode: Mode,
    pub normalize: bool,
    pub dimensions: usize,
    pub precision: Precision,
    /// The int8/uint8 calibration; `None` when the call calibrates on its own vectors (then
    /// each call is its own space) or the precision has none.
    pub ranges: Option<&'a [f32]>,
    pub prompt: &'a str,
}

impl SpaceParts<'_> {
    /// The space id. `own_ranges` are the call's own calibration when `ranges` is `None` for
    /// int8/uint8.
    pub fn id(&self, own_ranges: Option<&[f32]>) -> String {
        let mut h = Sha256::new();
        // Spelled out rather than `Debug`, so renaming a Rust enum cannot move every space.
        let pooling = match self.mode {
            Mode::Sequence(LlamaPooling::Mean) => "mean",
            Mode::Sequence(LlamaPooling::Cls) => "first",
            Mode::Sequence(LlamaPooling::Last) => "last",
            Mode::Sequence(LlamaPooling::None) => "none",
            Mode::Sequence(LlamaPooling::Rank) => "rank",
            Mode::MaxOverTokens => "max",
            Mode::AllTokens => "tokens",
        };
        let text = format!(
            "mullama-space-v1\0{}\0{pooling}\0{}\0{}\0{}\0{}\0",
            self.model,
            self.normalize,
            self.dimensions,
            self.precision.as_str(),
            self.prompt.len()
        );
        h.update(text.as_bytes());
        h.update(self.prompt.as_bytes());
        if matches!(self.precision, Precision::Int8 | Precision::Uint8) {
            for v in self.ranges.or(own_ranges).unwrap_or_default() {
                h.update(v.to_le_bytes());
            }
        }
        hex16(h.finalize())
    }
}

/// `SPACE_MISMATCH` unless both spaces are known and equal, or either side is a plain vector.
pub fn check_same(a: Option<&str>, b: Option<&str>) -> Result<()> {
    match (a, b) {
        (Some(a), Some(b)) if a != b => err(
            ErrorCode::SpaceMismatch,
            format!(
                "the embeddings come from different embedding spaces ({a} and {b}): another model, pooling, normalisation, dimensions, precision or prompt; embed both the same way"
            ),
        ),
        _ => Ok(()),
    }
}

/// What the similarity functions take (the IDL's `VectorOrEmbedding`): values, and the space
/// when they come from an [`Embedding`].
#[derive(Debug, Clone, Copy)]
pub struct Compared<'a> {
    pub data: &'a [f32],
    pub space: Option<&'a str>,
}

impl<'a> From<&'a [f32]> for Compared<'a> {
    fn from(data: &'a [f32]) -> Self {
        Compared { data, space: None }
    }
}

impl<'a> From<&&'a [f32]> for Compared<'a> {
    fn from(data: &&'a [f32]) -> Self {
        Compared { data, space: None }
    }
}

impl<'a> From<&'a Vec<f32>> for Compared<'a> {
    fn from(data: &'a Vec<f32>) -> Self {
        Compared { data, space: None }
    }
}

impl<'a, const N: usize> From<&'a [f32; N]> for Compared<'a> {
    fn from(data: &'a [f32; N]) -> Self {
        Compared { data, space: None }
    }
}

impl<'a> From<&'a Embedding> for Compared<'a> {
    fn from(e: &'a Embedding) -> Self {
        Compared { data: &e.data, space: Some(&e.space) }
    }
}
