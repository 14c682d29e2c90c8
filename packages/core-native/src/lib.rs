//! mullama-core: the native embedding engine of mullama.
//!
//! One loaded [`Model`] is shared by the worker contexts of a [`Context`]; texts are tokenized
//! by the model's own tokenizer, packed as separate sequences into micro-batches by a token
//! budget, run through llama.cpp, pooled and optionally L2-normalised. The Node, Python, Rust
//! and CLI front ends all call this crate, so every language gets the same numbers.

mod context;
pub mod convert;
pub mod error;
mod ffi;
mod model;
mod params;
mod queue;
mod similarity;
pub mod store;
mod worker;

pub use context::{Context, Settings};
pub use error::{Error, ErrorCode, Result};
pub use model::{Model, ModelInfo, Tokenized};
pub use params::{ContextParams, EmbedOptions, Embedding, OverflowPolicy, PoolingStrategy};
pub use similarity::{normalize, try_cosine_similarity, try_dot_product};
