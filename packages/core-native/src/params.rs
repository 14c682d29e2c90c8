//! The plain data the API passes around: strategies, policies, parameters, results.

use crate::error::{err, ErrorCode, Result};

/// How token vectors become one text vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PoolingStrategy {
    /// Average of all token vectors.
    #[default]
    Mean,
    /// The last token's vector (decoder-only models).
    Last,
    /// The first token's vector ([CLS] for BERT-style models).
    First,
    /// Element-wise maximum over tokens.
    Max,
    /// The pooling the model declares in its metadata.
    Native,
}

impl PoolingStrategy {
    pub const ALL: [PoolingStrategy; 5] =
        [PoolingStrategy::Mean, PoolingStrategy::Last, PoolingStrategy::First, PoolingStrategy::Max, PoolingStrategy::Native];

    pub fn as_str(self) -> &'static str {
        match self {
            PoolingStrategy::Mean => "mean",
            PoolingStrategy::Last => "last",
            PoolingStrategy::First => "first",
            PoolingStrategy::Max => "max",
            PoolingStrategy::Native => "native",
        }
    }

    pub fn parse(s: &str) -> Result<PoolingStrategy> {
        match s.to_ascii_lowercase().as_str() {
            "mean" => Ok(PoolingStrategy::Mean),
            "last" => Ok(PoolingStrategy::Last),
            "first" | "cls" => Ok(PoolingStrategy::First),
            "max" => Ok(PoolingStrategy::Max),
            "native" => Ok(PoolingStrategy::Native),
            _ => err(ErrorCode::InvalidArgument, format!("unknown pooling strategy {s:?}; expected mean, last, first, max or native")),
        }
    }
}

/// What to do with a text longer than the context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OverflowPolicy {
    /// Fail with `INPUT_TOO_LONG`.
    #[default]
    Error,
    /// Keep the beginning, drop tokens at the end.
    TruncateEnd,
    /// Keep the end, drop tokens at the beginning.
    TruncateStart,
}

impl OverflowPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            OverflowPolicy::Error => "error",
            OverflowPolicy::TruncateEnd => "truncate_end",
            OverflowPolicy::TruncateStart => "truncate_start",
        }
    }

    pub fn parse(s: &str) -> Result<OverflowPolicy> {
        match s.to_ascii_lowercase().replace('-', "_").as_str() {
            "error" => Ok(OverflowPolicy::Error),
            "truncate_end" | "truncate" => Ok(OverflowPolicy::TruncateEnd),
            "truncate_start" => Ok(OverflowPolicy::TruncateStart),
            _ => err(ErrorCode::InvalidArgument, format!("unknown overflow policy {s:?}; expected error, truncate_end or truncate_start")),
        }
    }
}

/// How a context is built. `Default` gives what most users want: all cores, micro-batches of
/// about 256 tokens, mean pooling, flash attention, an error for texts longer than the context.
#[derive(Debug, Clone, PartialEq)]
pub struct ContextParams {
    /// Must be true: a mullama context computes embeddings (the field mirrors llama.cpp's).
    pub embeddings: bool,
    /// Most tokens one text may have, special tokens included. 0: the model's training context.
    pub n_ctx: u32,
    /// Token budget of one micro-batch; texts are packed up to it. 0: 256.
    pub n_batch: u32,
    /// Total CPU threads. 0: all available cores.
    pub n_threads: u32,
    /// Worker contexts sharing the model; threads are split between them. 0: one context with
    /// every thread, which with a persistent thread pool measured as fast as one context per
    /// core on large batches and twice as fast on single texts (see the closing benchmark).
    pub n_workers: u32,
    /// Default pooling when a call does not say.
    pub pooling: PoolingStrategy,
    /// Default L2 normalisation when a call does not say.
    pub normalize: bool,
    pub overflow: OverflowPolicy,
    /// Flash attention with f16 K/V (default, faster). `false` computes attention entirely in
    /// f32: slower, and exact to about 1e-5 of an f64 reference.
    pub flash_attention: bool,
}

impl Default for ContextParams {
    fn default() -> Self {
        ContextParams {
            embeddings: true,
            n_ctx: 0,
            n_batch: 0,
            n_threads: 0,
            n_workers: 0,
            pooling: PoolingStrategy::Mean,
            normalize: false,
            overflow: OverflowPolicy::Error,
            flash_attention: true,
        }
    }
}

/// Per-call options; `None` falls back to the context's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EmbedOptions {
    pub pooling: Option<PoolingStrategy>,
    pub normalize: Option<bool>,
}

/// One text's vector and what happened on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedding {
    pub data: Vec<f32>,
    pub dimension: usize,
    /// Tokens the text had, special tokens included.
    pub input_tokens: usize,
    /// Tokens that went into the vector (smaller than `input_tokens` when truncated).
    pub tokens: usize,
    pub truncated: bool,
}
