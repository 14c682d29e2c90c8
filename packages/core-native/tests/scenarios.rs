//! Runs every shared scenario in `scenarios/*.json` (see scenarios/README.md) through the core's
//! IDL traits, by the same names the Node and Python tests use. The call itself goes through the
//! generated table (`generated/scenario_calls.rs`); the expectations below are the same in every
//! language and read the call's result as JSON.

mod common;
#[path = "generated/scenario_calls.rs"]
mod calls;

use common::*;
use mullama_core::{ErrorCode, Model, ModelApi};
use serde_json::Value;
use std::sync::Arc;

const SCENARIO_KEYS: [&str; 6] = ["name", "model", "call", "params", "args", "expect"];
const EXPECT_KEYS: [&str; 13] =
    ["error", "reference", "tolerance", "tokens", "inputTokens", "truncated", "dimension", "prompt", "space", "value", "vector", "equals", "ranking"];

fn floats(v: &Value) -> Vec<f32> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap() as f32).collect()
}

fn run(s: &Value) -> mullama_core::Result<Value> {
    let model_path = || testdata().join(format!("{}.gguf", s["model"].as_str().expect("the scenario names a model"))).to_string_lossy().into_owned();
    let args: Vec<Value> = s.get("args").and_then(Value::as_array).cloned().unwrap_or_default();
    // "$model" stands for the scenario model's file (the argument of Model.load).
    let args: Vec<Value> = args.into_iter().map(|a| if a == "$model" { Value::from(model_path()) } else { a }).collect();
    let model = || <Model as ModelApi>::load(&model_path()).map(Arc::new);
    calls::call(s["call"].as_str().unwrap(), &model, calls::context_params(s.get("params")), &args)
}

/// The values of `key` in each embedding of `out`, which must have as many as `expected`.
fn column<'a>(name: &str, out: &'a Value, key: &str, expected: &Value) -> Vec<&'a Value> {
    let list = out.as_array().unwrap_or_else(|| panic!("{name}: expected a list of embeddings, got {out}"));
    assert_eq!(list.len(), expected.as_array().unwrap().len(), "{name}: {key}: one per text");
    list.iter().map(|e| &e[key]).collect()
}

fn check(s: &Value) {
    let name = s["name"].as_str().unwrap();
    for k in s.as_object().unwrap().keys() {
        assert!(SCENARIO_KEYS.contains(&k.as_str()), "{name}: unknown scenario key {k:?}");
    }
    let expect = s["expect"].as_object().unwrap_or_else(|| panic!("{name}: no expect"));
    for k in expect.keys() {
        assert!(EXPECT_KEYS.contains(&k.as_str()), "{name}: unknown expect key {k:?}");
    }
    let outcome = run(s);
    if let Some(code) = expect.get("error") {
        let e = outcome.err().unwrap_or_else(|| panic!("{name}: expected {code}, got success"));
        assert_eq!(Some(e.code()), ErrorCode::parse(code.as_str().unwrap()).ok(), "{name}: {e}");
        return;
    }
    let out = outcome.unwrap_or_else(|e| panic!("{name}: {e}"));
    let tol = expect.get("tolerance").and_then(Value::as_f64).unwrap_or(0.0) as f32;
    let mut checked = 0;
    if let Some(strategy) = expect.get("reference") {
        let refs = reference(s["model"].as_str().unwrap());
        let texts = s["args"][0].as_array().unwrap();
        let embs = out.as_array().unwrap();
        assert_eq!(embs.len(), texts.len(), "{name}: one vector per text");
        for (text, e) in texts.iter().zip(embs) {
            let r = refs.iter().find(|r| r.text == text.as_str().unwrap()).unwrap_or_else(|| panic!("{name}: {text} not in reference-texts.json"));
            let d = max_abs_diff(&mullama_core::normalize(&floats(&e["data"])), &mullama_core::normalize(&r.vector(strategy.as_str().unwrap())));
            assert!(d <= tol, "{name}: {text}: max abs diff {d} > {tol}");
        }
        checked += 1;
    }
    for key in ["tokens", "inputTokens", "truncated", "dimension", "prompt", "space"] {
        if let Some(want) = expect.get(key) {
            let got: Vec<Value> = column(name, &out, key, want).into_iter().cloned().collect();
            assert_eq!(&Value::Array(got), want, "{name}: {key}");
            checked += 1;
        }
    }
    if let Some(want) = expect.get("value") {
        let x = out.as_f64().unwrap_or_else(|| panic!("{name}: expected a number, got {out}")) as f32;
        assert!((x - want.as_f64().unwrap() as f32).abs() <= tol, "{name}: {x}");
        checked += 1;
    }
    if let Some(want) = expect.get("vector") {
        let v = floats(&out);
        assert_eq!(v.len(), want.as_array().unwrap().len(), "{name}: length");
        assert!(max_abs_diff(&v, &floats(want)) <= tol, "{name}: {v:?}");
        checked += 1;
    }
    if let Some(file) = expect.get("ranking") {
        // Context.rank against reference/NAME.json: each logit, token count and the order.
        let path = testdata().join(format!("reference/{}.json", file.as_str().unwrap()));
        let refs: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let (query, docs) = (&s["args"][0], s["args"][1].as_array().unwrap());
        let find = |d: &Value| refs["items"].as_array().unwrap().iter().find(|r| &r["query"] == query && &r["document"] == d).unwrap().clone();
        let refs: Vec<Value> = docs.iter().map(find).collect();
        let logit = |i: usize| refs[i]["logit"].as_f64().unwrap();
        let mut order: Vec<usize> = (0..docs.len()).collect();
        order.sort_by(|&a, &b| logit(b).total_cmp(&logit(a)));
        order.truncate(s["args"][2]["topN"].as_u64().map_or(docs.len(), |n| n as usize));
        let results = out.as_array().unwrap();
        assert_eq!(results.iter().map(|r| r["index"].as_u64().unwrap() as usize).collect::<Vec<_>>(), order, "{name}: order");
        for r in results {
            let i = r["index"].as_u64().unwrap() as usize;
            assert!((r["logit"].as_f64().unwrap() - logit(i)).abs() <= tol as f64, "{name}: {r}");
            assert_eq!(r["tokens"].as_u64().unwrap() as usize, refs[i]["tokens"].as_array().unwrap().len(), "{name}: tokens");
        }
        checked += 1;
    }
    if let Some(want) = expect.get("equals") {
        assert_eq!(&out, want, "{name}");
        checked += 1;
    }
    assert!(checked > 0, "{name}: expects nothing of a successful call");
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
    assert!(ran >= 26, "ran {ran} scenarios");
}
