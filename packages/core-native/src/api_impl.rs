//! The core's implementation of the traits generated from the IDL (`crate::api`). Each method is
//! a one-line call into the engine: if the IDL gains a method, this file stops compiling until
//! the core implements it.

use crate::api::{
    ContextApi, ContextParams, ContextStats, ConvertOptions, ConvertReport, EmbedOptions, Embedding, EmbeddingStreamApi, FunctionsApi, ModelApi, ModelInfo,
    RankOptions, RankResult, StreamProgress, TokenEmbeddings, TokenInfo,
};
use crate::error::Result;
use crate::Completion;
use crate::{convert, quantize, similarity, space, store, vector_json, Compared, Context, EmbeddingStream, Model, QuantizedVector};
use std::path::Path;
use std::sync::Arc;

impl ModelApi for Model {
    fn info(&self) -> ModelInfo {
        Model::info(self).clone()
    }

    fn load(path: &str) -> Result<Self> {
        Model::load(path)
    }

    fn count_tokens(&self, text: &str) -> Result<usize> {
        Model::count_tokens(self, text)
    }

    fn tokenize(&self, text: &str, max_tokens: u32) -> Result<Vec<u32>> {
        Model::tokenize(self, text, max_tokens)
    }

    fn tokenize_with_offsets(&self, text: &str) -> Result<Vec<TokenInfo>> {
        Model::tokenize_with_offsets(self, text)
    }
}

impl ContextApi for Context {
    fn new(model: Arc<Model>, params: ContextParams) -> Result<Self> {
        Context::new(model, params)
    }

    fn get_embedding_submit(&self, text: String, options: EmbedOptions, done: Completion<Embedding>) {
        self.submit(vec![text], options, Box::new(move |r| done(r.map(|mut v| v.remove(0)))))
    }

    fn get_embedding_batch_submit(&self, texts: Vec<String>, options: EmbedOptions, done: Completion<Vec<Embedding>>) {
        self.submit(texts, options, done)
    }

    fn get_token_embeddings_submit(&self, texts: Vec<String>, options: EmbedOptions, done: Completion<Vec<TokenEmbeddings>>) {
        self.core().token_embeddings_submit(texts, options, done)
    }

    fn rank_submit(&self, query: String, documents: Vec<String>, options: RankOptions, done: Completion<Vec<RankResult>>) {
        self.core().rank_submit(query, documents, options, done)
    }

    fn stream(&self, options: EmbedOptions) -> Result<EmbeddingStream> {
        EmbeddingStream::new(self.core().clone(), options)
    }

    fn stats(&self) -> ContextStats {
        Context::stats(self)
    }

    fn close(&self) {
        Context::close(self)
    }
}

impl EmbeddingStreamApi for EmbeddingStream {
    fn push(&self, texts: &[String]) -> Result<()> {
        EmbeddingStream::push(self, texts)
    }

    fn next_submit(&self, done: Completion<Vec<Embedding>>) {
        EmbeddingStream::next_submit(self, done)
    }

    fn progress(&self) -> StreamProgress {
        EmbeddingStream::progress(self)
    }
}

/// The IDL's free functions.
pub struct Api;

impl FunctionsApi for Api {
    fn cosine_similarity(a: Compared<'_>, b: Compared<'_>) -> Result<f32> {
        space::check_same(a.space, b.space)?;
        similarity::try_cosine_similarity(a.data, b.data)
    }

    fn dot_product(a: Compared<'_>, b: Compared<'_>) -> Result<f32> {
        space::check_same(a.space, b.space)?;
        similarity::try_dot_product(a.data, b.data)
    }

    fn hamming_distance(a: &QuantizedVector, b: &QuantizedVector) -> Result<u32> {
        quantize::hamming_distance(a, b)
    }

    fn quantization_ranges(vectors: &[Vec<f32>]) -> Result<Vec<f32>> {
        quantize::quantization_ranges(vectors)
    }

    fn normalize(vector: &[f32]) -> Vec<f32> {
        similarity::normalize(vector)
    }

    fn vector_to_json(vector: &[f32]) -> String {
        vector_json::vector_to_json(vector)
    }

    fn convert_model(source: &str, destination: &str, options: ConvertOptions) -> Result<ConvertReport> {
        convert::convert_hf_to_gguf(Path::new(source), Path::new(destination), &options)
    }

    fn models_dir() -> String {
        store::models_dir().to_string_lossy().into_owned()
    }

    fn resolve_model_path(name_or_path: &str) -> String {
        store::resolve(name_or_path).to_string_lossy().into_owned()
    }
}
