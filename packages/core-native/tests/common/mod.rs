//! Shared helpers for the core's integration tests: where the generated test data lives and
//! how to read the reference vectors. `scripts/gen-testdata.sh` writes that data.
#![allow(dead_code, unused_imports)]

mod rng;
pub use rng::Rng;

use mullama_core::{Context, ContextParams, Model};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;

pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn testdata() -> PathBuf {
    let dir = std::env::var_os("MULLAMA_TESTDATA").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("target/testdata"));
    assert!(dir.join("tiny-bert.gguf").exists(), "no test models in {}: run scripts/gen-testdata.sh (make test does)", dir.display());
    dir
}

pub fn model(name: &str) -> Arc<Model> {
    Arc::new(Model::load(testdata().join(format!("{name}.gguf"))).unwrap_or_else(|e| panic!("{name}: {e}")))
}

pub fn context(name: &str, params: ContextParams) -> Context {
    Context::new(model(name), params).unwrap()
}

/// One text of a reference file: its tokens and pooled vectors per strategy name.
pub struct RefItem {
    pub text: String,
    pub tokens: Vec<i32>,
    pub pooled: serde_json::Map<String, Value>,
}

impl RefItem {
    pub fn vector(&self, strategy: &str) -> Vec<f32> {
        self.pooled[strategy].as_array().unwrap().iter().map(|v| v.as_f64().unwrap() as f32).collect()
    }
}

pub fn reference(name: &str) -> Vec<RefItem> {
    let path = testdata().join(format!("reference/{name}.json"));
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap();
    json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| RefItem {
            text: it["text"].as_str().unwrap().to_string(),
            tokens: it["tokens"].as_array().unwrap().iter().map(|t| t.as_i64().unwrap() as i32).collect(),
            pooled: it["pooled"].as_object().cloned().unwrap_or_default(),
        })
        .collect()
}

pub fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len(), "dimensions differ");
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    mullama_core::try_cosine_similarity(a, b).unwrap()
}
