//! Runs every shared scenario in `scenarios/*.json` (see scenarios/README.md) through the core's
//! IDL traits, by the same names the Node and Python tests use.

mod common;
use common::*;
use mullama_core::{
    Api, Context, ContextApi, ContextParams, EmbedOptions, ErrorCode, FunctionsApi, Model, ModelApi, OverflowPolicy, PoolingStrategy,
};
use serde_json::Value;
use std::sync::Arc;

fn floats(v: &Value) -> Vec<f32> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap() as f32).collect()
}

/// `ContextParams` from the IDL's camelCase spelling.
fn params(v: Option<&Value>) -> ContextParams {
    let mut p = ContextParams::default();
    for (k, v) in v.and_then(Value::as_object).into_iter().flatten() {
        match k.as_str() {
            "flashAttention" => p.flash_attention = v.as_bool().unwrap(),
            "nCtx" => p.n_ctx = v.as_u64().unwrap() as u32,
            "nBatch" => p.n_batch = v.as_u64().unwrap() as u32,
            "overflow" => p.overflow = OverflowPolicy::parse(v.as_str().unwrap()).unwrap(),
            "pooling" => p.pooling = PoolingStrategy::parse(v.as_str().unwrap()).unwrap(),
            "normalize" => p.normalize = v.as_bool().unwrap(),
            other => panic!("scenario param {other} is not mapped in scenarios.rs"),
        }
    }
    p
}

fn options(v: Option<&Value>) -> EmbedOptions {
    let o = v.and_then(Value::as_object);
    if let Some(o) = o {
        for k in o.keys() {
            assert!(["pooling", "normalize", "overflow", "maxTokens", "dimensions"].contains(&k.as_str()), "unknown option {k:?}");
        }
    }
    let num = |k: &str| o.and_then(|o| o.get(k)).map(|n| n.as_u64().unwrap() as u32);
    EmbedOptions {
        pooling: o.and_then(|o| o.get("pooling")).map(|p| PoolingStrategy::parse(p.as_str().unwrap()).unwrap()),
        normalize: o.and_then(|o| o.get("normalize")).map(|n| n.as_bool().unwrap()),
        overflow: o.and_then(|o| o.get("overflow")).map(|p| mullama_core::OverflowPolicy::parse(p.as_str().unwrap()).unwrap()),
        max_tokens: num("maxTokens"),
        dimensions: num("dimensions"),
    }
}

/// What a call produced, in a form every expectation can check.
enum Outcome {
    Embeddings(Vec<mullama_core::Embedding>),
    Number(f32),
    Vector(Vec<f32>),
    Loaded,
}

fn run(s: &Value) -> mullama_core::Result<Outcome> {
    let input = &s["input"];
    let model_path = || testdata().join(format!("{}.gguf", s["model"].as_str().unwrap())).to_string_lossy().into_owned();
    match s["call"].as_str().unwrap() {
        "Model.load" => <Model as ModelApi>::load(&model_path()).map(|_| Outcome::Loaded),
        "Context.getEmbeddingBatch" => {
            let model = Arc::new(<Model as ModelApi>::load(&model_path())?);
            let ctx = <Context as ContextApi>::new(model, params(s.get("params")))?;
            let texts: Vec<String> = input.as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()).collect();
            ctx.get_embedding_batch(&texts, options(s.get("options"))).map(Outcome::Embeddings)
        }
        "cosineSimilarity" => Api::cosine_similarity(&floats(&input[0]), &floats(&input[1])).map(Outcome::Number),
        "dotProduct" => Api::dot_product(&floats(&input[0]), &floats(&input[1])).map(Outcome::Number),
        "normalize" => Ok(Outcome::Vector(Api::normalize(&floats(&input[0])))),
        other => panic!("scenario call {other} is not mapped in scenarios.rs"),
    }
}

fn check(s: &Value) {
    let name = s["name"].as_str().unwrap();
    let expect = &s["expect"];
    let outcome = run(s);
    if let Some(code) = expect.get("error") {
        let e = outcome.err().unwrap_or_else(|| panic!("{name}: expected {code}, got success"));
        assert_eq!(Some(e.code()), ErrorCode::parse(code.as_str().unwrap()).ok(), "{name}: {e}");
        return;
    }
    let outcome = outcome.unwrap_or_else(|e| panic!("{name}: {e}"));
    let tol = expect.get("tolerance").and_then(Value::as_f64).unwrap_or(0.0) as f32;
    match outcome {
        Outcome::Embeddings(embs) => {
            if let Some(strategy) = expect.get("reference") {
                let refs = reference(s["model"].as_str().unwrap());
                for (text, e) in s["input"].as_array().unwrap().iter().zip(&embs) {
                    let r = refs.iter().find(|r| r.text == text.as_str().unwrap()).unwrap_or_else(|| panic!("{name}: {text} not in reference-texts.json"));
                    let d = max_abs_diff(&mullama_core::normalize(&e.data), &mullama_core::normalize(&r.vector(strategy.as_str().unwrap())));
                    assert!(d <= tol, "{name}: {text}: max abs diff {d} > {tol}");
                }
            }
            let list = |k: &str| expect.get(k).map(|v| v.as_array().unwrap().clone());
            if let Some(t) = list("tokens") {
                assert_eq!(embs.iter().map(|e| e.tokens as u64).collect::<Vec<_>>(), t.iter().map(|x| x.as_u64().unwrap()).collect::<Vec<_>>(), "{name}");
            }
            if let Some(t) = list("inputTokens") {
                assert_eq!(embs.iter().map(|e| e.input_tokens as u64).collect::<Vec<_>>(), t.iter().map(|x| x.as_u64().unwrap()).collect::<Vec<_>>(), "{name}");
            }
            if let Some(t) = list("truncated") {
                assert_eq!(embs.iter().map(|e| e.truncated).collect::<Vec<_>>(), t.iter().map(|x| x.as_bool().unwrap()).collect::<Vec<_>>(), "{name}");
            }
        }
        Outcome::Number(x) => assert!((x - expect["value"].as_f64().unwrap() as f32).abs() <= tol, "{name}: {x}"),
        Outcome::Vector(v) => assert!(max_abs_diff(&v, &floats(&expect["vector"])) <= tol, "{name}: {v:?}"),
        Outcome::Loaded => panic!("{name}: no expectation for a successful load"),
    }
}

#[test]
fn every_shared_scenario() {
    let dir = workspace_root().join("scenarios");
    let mut ran = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") && path.file_name().unwrap() != "reference-texts.json" {
            let list: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            for s in list.as_array().unwrap() {
                check(s);
                ran += 1;
            }
        }
    }
    assert!(ran >= 19, "ran {ran} scenarios");
}
