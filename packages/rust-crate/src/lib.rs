//! # mullama
//!
//! Text embeddings with GGUF models on llama.cpp, with the same API in Rust, Node.js, Python
//! and a command line.
//!
//! ```no_run
//! use mullama::{Model, Context, ContextParams};
//! use std::sync::Arc;
//!
//! # fn main() -> mullama::Result<()> {
//! let model = Arc::new(Model::load("embedding-model.gguf")?);
//! let params = ContextParams { embeddings: true, ..Default::default() };
//! let context = Context::new(model, params)?;
//!
//! let embedding = context.get_embedding("Hello, world!")?;
//! println!("Dimension: {}", embedding.dimension);
//! # Ok(())
//! # }
//! ```
//!
//! This crate is a thin layer over `mullama-core`, which does all the work; the Node and
//! Python packages call the same core, so all languages give the same vectors.

use std::sync::Arc;

pub use mullama_core::{
    Completion, ContextParams, ContextStats, ConvertOptions, ConvertReport, ConvertType, EmbedOptions, Embedding, Error, ErrorCode, Model, ModelInfo,
    EmbedRole, EmbeddingStream, OverflowPolicy, PoolingStrategy, Precision, RankOptions, RankResult, Result, StreamProgress, TokenEmbeddings, TokenInfo,
};

pub mod embedding;
pub use mullama_core::store;

/// An embedding context over a shared model. Worker threads do the work; a `Context` may be
/// shared between threads (`&self` methods), and concurrent calls share micro-batches.
pub struct Context {
    inner: mullama_core::Context,
}

impl Context {
    /// Creates a context. `params.embeddings` must be true.
    pub fn new(model: Arc<Model>, params: ContextParams) -> Result<Context> {
        Ok(Context { inner: mullama_core::Context::new(model, params)? })
    }

    /// The model this context embeds with.
    pub fn model(&self) -> &Arc<Model> {
        self.inner.model()
    }

    /// Embeds one text with the context's default pooling and normalisation.
    pub fn get_embedding(&self, text: &str) -> Result<Embedding> {
        self.get_embedding_with_options(text, EmbedOptions::default())
    }

    /// Embeds one text with the given pooling strategy.
    pub fn get_embedding_with_pooling(&self, text: &str, pooling: PoolingStrategy) -> Result<Embedding> {
        self.get_embedding_with_options(text, EmbedOptions { pooling: Some(pooling), ..Default::default() })
    }

    /// Embeds one text with per-call options.
    pub fn get_embedding_with_options(&self, text: &str, options: EmbedOptions) -> Result<Embedding> {
        Ok(self.inner.embed(&[text], options)?.remove(0))
    }

    /// Embeds many texts at once, packed into shared micro-batches; results are in input order.
    pub fn get_embedding_batch<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<Embedding>> {
        self.inner.embed(texts, EmbedOptions::default())
    }

    /// Embeds many texts with per-call options.
    pub fn get_embedding_batch_with_options<S: AsRef<str>>(&self, texts: &[S], options: EmbedOptions) -> Result<Vec<Embedding>> {
        self.inner.embed(texts, options)
    }

    /// Embeds texts given as raw bytes; invalid UTF-8 is an `INVALID_UTF8` error.
    pub fn get_embedding_batch_bytes(&self, texts: &[&[u8]], options: EmbedOptions) -> Result<Vec<Embedding>> {
        self.inner.embed_bytes(texts, options)
    }

    /// Embeds many texts without blocking: returns at once, and `done` is called exactly once
    /// with the vectors in input order (or the error), on a worker thread. Concurrent
    /// submissions share micro-batches, as blocking calls do.
    pub fn submit_embedding_batch(&self, texts: Vec<String>, options: EmbedOptions, done: Completion<Vec<Embedding>>) {
        self.inner.submit(texts, options, done)
    }

    /// Every token's vector for each text, unpooled (late interaction, TEI's `/embed_all`).
    pub fn get_token_embeddings<S: AsRef<str>>(&self, texts: &[S], options: EmbedOptions) -> Result<Vec<TokenEmbeddings>> {
        let texts: Vec<String> = texts.iter().map(|t| t.as_ref().to_owned()).collect();
        mullama_core::ContextApi::get_token_embeddings(&self.inner, &texts, options)
    }

    /// Scores each document's relevance to `query` with a reranker (a cross-encoder,
    /// `ModelInfo::is_reranker`), most relevant first. An embedding model is `MODEL_UNSUPPORTED`.
    pub fn rank<S: AsRef<str>>(&self, query: &str, documents: &[S], options: RankOptions) -> Result<Vec<RankResult>> {
        let documents: Vec<String> = documents.iter().map(|d| d.as_ref().to_owned()).collect();
        mullama_core::ContextApi::rank(&self.inner, query, &documents, options)
    }

    /// [`Context::rank`] without blocking: `done` gets the results (or the error) on a worker thread.
    pub fn submit_rank(&self, query: String, documents: Vec<String>, options: RankOptions, done: Completion<Vec<RankResult>>) {
        mullama_core::ContextApi::rank_submit(&self.inner, query, documents, options, done)
    }

    /// A stream for bulk embedding in input order with bounded memory: `push` batches as they
    /// are read, `next` takes results back oldest first (see [`EmbeddingStream`]).
    pub fn stream(&self, options: EmbedOptions) -> Result<EmbeddingStream> {
        mullama_core::ContextApi::stream(&self.inner, options)
    }

    /// Running totals of the work done: calls, texts, micro-batches run through llama.cpp, tokens.
    pub fn stats(&self) -> ContextStats {
        self.inner.stats()
    }

    /// Stops the worker threads: texts not yet embedded, and later calls, fail with `CONTEXT_CLOSED`.
    /// Dropping the last handle (the context and its streams) instead lets the calls in flight
    /// finish, then the workers leave.
    pub fn close(&self) {
        self.inner.close()
    }
}

// The IDL's free functions, generated with the IDL's docs (mullama_core::api::functions).
pub use mullama_core::api::functions::{convert_model, models_dir, resolve_model_path};

/// The IDL's Context surface (generated trait): the public Rust API answers to it too, so an IDL
/// method this crate lacks is a compile error here as well as in the core.
impl mullama_core::ContextApi for Context {
    fn new(model: Arc<Model>, params: ContextParams) -> Result<Self> {
        Context::new(model, params)
    }

    fn get_embedding_submit(&self, text: String, options: EmbedOptions, done: Completion<Embedding>) {
        mullama_core::ContextApi::get_embedding_submit(&self.inner, text, options, done)
    }

    fn get_embedding_batch_submit(&self, texts: Vec<String>, options: EmbedOptions, done: Completion<Vec<Embedding>>) {
        self.inner.submit(texts, options, done)
    }

    fn get_token_embeddings_submit(&self, texts: Vec<String>, options: EmbedOptions, done: Completion<Vec<TokenEmbeddings>>) {
        mullama_core::ContextApi::get_token_embeddings_submit(&self.inner, texts, options, done)
    }

    fn rank_submit(&self, query: String, documents: Vec<String>, options: RankOptions, done: Completion<Vec<RankResult>>) {
        Context::submit_rank(self, query, documents, options, done)
    }

    fn stream(&self, options: EmbedOptions) -> Result<EmbeddingStream> {
        Context::stream(self, options)
    }

    fn stats(&self) -> ContextStats {
        self.inner.stats()
    }

    fn close(&self) {
        Context::close(self)
    }
}
