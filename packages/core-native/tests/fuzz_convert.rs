//! Hugging Face folder mutants through the converter (seeded, so every run tries the same
//! folders): model.safetensors truncated at every structural boundary, its header length and
//! JSON header broken byte by byte and field by field, config.json keys removed or given wrong
//! values, the tokenizer and sentence-transformers files truncated, not UTF-8, or saying
//! something impossible. Each mutant is one file of a good folder changed; converting it must
//! give a typed error (CONVERT_FAILED naming a file of the folder, IO, MODEL_INVALID) or a GGUF
//! that our reader reads and llama.cpp loads or refuses with a typed error. A panic is caught
//! and listed; an abort (an allocation sized by the file, say) kills this test binary, which is
//! the failure we look for. Bounded by MULLAMA_FUZZ_SECS (default 60) for all folders together.

mod common;
use common::*;
use mullama_core::convert::{convert_with_notes, read_metadata, ConvertOptions, ConvertType};
use mullama_core::{Context, ContextParams, EmbedOptions, ErrorCode, Model};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One mutant: files of the good folder replaced (`Some`) or deleted (`None`).
struct Mutant {
    kind: &'static str,
    what: String,
    files: Vec<(String, Option<Vec<u8>>)>,
    /// A required file is deleted, so MODEL_NOT_FOUND is the right answer too.
    missing: bool,
}

/// Collects mutants of one folder.
struct Gen<'a> {
    good: &'a BTreeMap<String, Vec<u8>>,
    out: Vec<Mutant>,
    rng: Rng,
}

impl Gen<'_> {
    fn put(&mut self, kind: &'static str, file: &str, what: impl Into<String>, bytes: Vec<u8>) {
        self.out.push(Mutant {
            kind,
            what: format!("{file}: {}", what.into()),
            files: vec![(file.to_string(), Some(bytes))],
            missing: false,
        });
    }

    fn put_many(&mut self, kind: &'static str, what: impl Into<String>, files: Vec<(&str, Option<Vec<u8>>)>, missing: bool) {
        let files = files.into_iter().map(|(f, b)| (f.to_string(), b)).collect();
        self.out.push(Mutant { kind, what: what.into(), files, missing });
    }

    fn json(&self, file: &str) -> Value {
        serde_json::from_slice(&self.good[file]).unwrap_or_else(|e| panic!("{file}: {e}"))
    }

    /// The good JSON file with `edit` applied.
    fn put_json(&mut self, kind: &'static str, file: &str, what: impl Into<String>, edit: impl FnOnce(&mut Value)) {
        let mut v = self.json(file);
        edit(&mut v);
        self.put(kind, file, what, serde_json::to_vec_pretty(&v).unwrap());
    }

    /// What any text file can suffer: cut short, emptied, not UTF-8, bytes flipped; and, for a
    /// JSON file, valid JSON of the wrong shape.
    fn text_mutants(&mut self, kind: &'static str, file: &str, flips: usize) {
        let orig = self.good[file].clone();
        let n = orig.len();
        let mut cuts = vec![0, 1, n / 4, n / 2, n * 3 / 4, n.saturating_sub(2), n.saturating_sub(1)];
        cuts.sort_unstable();
        cuts.dedup();
        for c in cuts.into_iter().filter(|&c| c < n) {
            self.put(kind, file, format!("truncated at {c} of {n}"), orig[..c].to_vec());
        }
        // Not UTF-8: a lone continuation byte, a cut multi-byte sequence, an overlong encoding,
        // placed inside the first string value (so only the UTF-8 check can catch them).
        let at = orig.iter().position(|&b| b == b'"').map(|p| p + 1).unwrap_or(n / 2);
        for (name, bad) in [("0xff", &[0xffu8][..]), ("lone 0x80", &[0x80]), ("cut 0xc3", &[0xc3]), ("overlong /", &[0xc0, 0xaf])] {
            let mut m = orig.clone();
            m.splice(at..at, bad.iter().copied());
            self.put(kind, file, format!("invalid UTF-8 ({name}) at {at}"), m);
        }
        let mut bom = vec![0xef, 0xbb, 0xbf];
        bom.extend(&orig);
        self.put(kind, file, "UTF-8 byte order mark", bom);
        for i in 0..flips {
            let mut m = orig.clone();
            for _ in 0..1 + i % 3 {
                let at = self.rng.below(n);
                m[at] = match i % 4 {
                    0 => b"{}[]\",:0-\\"[self.rng.below(10)],
                    1 => m[at] ^ (1 << self.rng.below(8)),
                    _ => self.rng.next() as u8,
                };
            }
            self.put(kind, file, format!("random bytes #{i}"), m);
        }
        if file.ends_with(".json") {
            for v in ["null", "[]", "{}", "5", "\"text\"", "[{}]", "{\"a\":", &"[".repeat(100_000)] {
                let shown: String = v.chars().take(12).collect();
                self.put(kind, file, format!("JSON {shown}"), v.as_bytes().to_vec());
            }
        }
    }
}

/// Values that are wrong for nearly every key of a config file.
fn wrong_values() -> Vec<Value> {
    vec![
        json!("64"),
        json!(-1),
        json!(0),
        json!(1.5),
        Value::Null,
        json!(true),
        json!([]),
        json!({}),
        json!(4_294_967_296u64),
        json!(u64::MAX),
        json!(1e300),
        json!(-1e300),
    ]
}

fn obj(v: &mut Value) -> &mut Map<String, Value> {
    v.as_object_mut().unwrap()
}

// ---------------------------------------------------------------------------------------------
// model.safetensors

struct StLayout {
    header_len: usize,
    header: Map<String, Value>,
    /// (name, begin, end) relative to the data start, in offset order.
    tensors: Vec<(String, u64, u64)>,
}

fn st_layout(bytes: &[u8]) -> StLayout {
    let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header: Map<String, Value> = serde_json::from_slice(&bytes[8..8 + header_len]).unwrap();
    let mut tensors: Vec<(String, u64, u64)> = header
        .iter()
        .filter(|(k, _)| *k != "__metadata__")
        .map(|(k, v)| (k.clone(), v["data_offsets"][0].as_u64().unwrap(), v["data_offsets"][1].as_u64().unwrap()))
        .collect();
    tensors.sort_by_key(|t| (t.1, t.2));
    StLayout { header_len, header, tensors }
}

/// A safetensors file from a header text and the data section.
fn st_file(header: &[u8], data: &[u8]) -> Vec<u8> {
    let mut out = (header.len() as u64).to_le_bytes().to_vec();
    out.extend(header);
    out.extend(data);
    out
}

fn st_mutants(g: &mut Gen) {
    const F: &str = "model.safetensors";
    const K_CUT: &str = "safetensors: truncated";
    const K_LEN: &str = "safetensors: header length";
    const K_BYTES: &str = "safetensors: header bytes";
    const K_JSON: &str = "safetensors: header fields";
    const K_DATA: &str = "safetensors: data bytes";
    let orig = g.good[F].clone();
    let lay = st_layout(&orig);
    let data_start = 8 + lay.header_len;
    let data = orig[data_start..].to_vec();
    let data_len = data.len() as u64;

    // Truncations: inside the length, through the header, at every tensor's start and end.
    let mut cuts: Vec<usize> = (0..8).collect();
    let step = (lay.header_len / 40).max(1);
    cuts.extend((8..data_start).step_by(step));
    cuts.extend([data_start - 1, data_start, data_start + 1]);
    for (_, b, e) in &lay.tensors {
        for at in [data_start + *b as usize, data_start + *e as usize] {
            cuts.extend([at - 1, at, at + 1]);
        }
    }
    for _ in 0..40 {
        cuts.push(data_start + g.rng.below(data.len()));
    }
    cuts.retain(|&c| c < orig.len());
    cuts.sort_unstable();
    cuts.dedup();
    for c in cuts {
        g.put(K_CUT, F, format!("truncated at {c}"), orig[..c].to_vec());
    }
    let mut longer = orig.clone();
    longer.extend([0u8; 100]);
    g.put(K_CUT, F, "100 bytes of junk after the data", longer);

    // The header length: zero, off by one, past the file end, huge.
    let hl = lay.header_len as u64;
    let len = orig.len() as u64;
    for v in [0, 1, 2, hl - 1, hl + 1, len - 8, len - 7, len, 1 << 32, 100 << 20, (100 << 20) + 1, 1 << 62, u64::MAX] {
        let mut m = orig.clone();
        m[..8].copy_from_slice(&v.to_le_bytes());
        g.put(K_LEN, F, format!("header length {v}"), m);
    }

    // Random bytes in the JSON header.
    for i in 0..250 {
        let mut m = orig.clone();
        for _ in 0..1 + i % 3 {
            let at = 8 + g.rng.below(lay.header_len);
            m[at] = match i % 4 {
                0 => b"{}[]\",:0123456789-e.\\"[g.rng.below(21)],
                1 => m[at] ^ (1 << g.rng.below(8)),
                _ => g.rng.next() as u8,
            };
        }
        g.put(K_BYTES, F, format!("random header bytes #{i}"), m);
    }

    // Valid JSON that says something wrong, tensor by tensor.
    let with = |edit: &dyn Fn(&mut Map<String, Value>)| {
        let mut h = lay.header.clone();
        edit(&mut h);
        st_file(&serde_json::to_vec(&h).unwrap(), &data)
    };
    let first_name = lay.tensors[0].0.clone();
    let mut targets: Vec<String> = ["embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight"]
        .iter()
        .map(|s| s.to_string())
        .filter(|n| lay.header.contains_key(n))
        .collect();
    targets.push(first_name.clone());
    targets.push(lay.tensors[lay.tensors.len() / 2].0.clone());
    targets.push(lay.tensors.last().unwrap().0.clone());
    targets.dedup();
    let big = 1u64 << 62;
    for name in &targets {
        let t = &lay.header[name];
        let (b, e) = (t["data_offsets"][0].as_u64().unwrap(), t["data_offsets"][1].as_u64().unwrap());
        let shape: Vec<u64> = t["shape"].as_array().unwrap().iter().map(|d| d.as_u64().unwrap()).collect();
        let field = |k: &'static str, v: Value| {
            let name = name.clone();
            move |h: &mut Map<String, Value>| {
                h[&name][k] = v.clone();
            }
        };
        for dtype in [
            json!("F64"),
            json!("I8"),
            json!("I64"),
            json!("U8"),
            json!("BOOL"),
            json!("F8_E4M3"),
            json!("BF16"),
            json!("F16"),
            json!("f32"),
            json!("XYZ"),
            json!(""),
            json!(5),
            Value::Null,
            json!(["F32"]),
        ] {
            g.put(K_JSON, F, format!("{name} dtype {dtype}"), with(&field("dtype", dtype.clone())));
        }
        let mut reversed = shape.clone();
        reversed.reverse();
        let mut plus_one = shape.clone();
        plus_one[0] += 1;
        let mut with_ones = vec![1, 1];
        with_ones.extend(&shape);
        for s in [
            json!([]),
            json!([0]),
            json!([0, 64]),
            json!([64, 0]),
            json!([big, big]),
            json!([u64::MAX]),
            json!([u64::MAX, 0]),
            json!([0, u64::MAX, u64::MAX]),
            json!([1u64 << 32, 1u64 << 32, 1u64 << 32]),
            json!([2, 2, 2, 2, 2, 2]),
            json!([-1]),
            json!(["64"]),
            json!([64.5]),
            json!(reversed),
            json!(plus_one),
            json!(with_ones),
            Value::Null,
            json!("64"),
        ] {
            g.put(K_JSON, F, format!("{name} shape {s}"), with(&field("shape", s.clone())));
        }
        for o in [
            json!([e, b]),
            json!([b, b]),
            json!([b, e + 4]),
            json!([b, e - 4]),
            json!([b + 4, e + 4]),
            json!([b.saturating_sub(4), e.saturating_sub(4)]),
            json!([0, e - b]),
            json!([data_len, data_len + (e - b)]),
            json!([data_len - (e - b) + 4, data_len + 4]),
            json!([u64::MAX - 1, u64::MAX]),
            json!([0, u64::MAX]),
            json!([b]),
            json!([b, e, e]),
            json!([]),
            Value::Null,
            json!([-1, 5]),
            json!([b.to_string(), e.to_string()]),
            json!([1e30, 1e31]),
        ] {
            g.put(K_JSON, F, format!("{name} data_offsets {o}"), with(&field("data_offsets", o.clone())));
        }
        let n = name.clone();
        g.put(K_JSON, F, format!("{name} missing"), with(&move |h| drop(h.remove(&n))));
        for entry in [json!(5), json!("x"), json!([]), Value::Null, json!({})] {
            let n = name.clone();
            g.put(K_JSON, F, format!("{name} entry {entry}"), with(&move |h| h[&n] = entry.clone()));
        }
        let n = name.clone();
        g.put(K_JSON, F, format!("{name} with extra fields"), with(&move |h| h[&n]["junk"] = json!({"a": [1, 2, 3]})));
        for new_name in [
            "encoder.layer.0.attention.self.foo.weight".to_string(),
            "encoder.layer.0.attention.self.query.scale".to_string(),
            "encoder.layer.7.attention.self.query.weight".to_string(),
            "encoder.layer.99999999999.output.dense.weight".to_string(),
            "pooler.dense.weight".to_string(),
            format!("bert.{name}"),
            format!("{name}\u{0}"),
            String::new(),
        ] {
            let n = name.clone();
            let shown = new_name.escape_debug().to_string();
            g.put(
                K_JSON,
                F,
                format!("{name} renamed {shown}"),
                with(&move |h| {
                    let v = h.remove(&n).unwrap();
                    h.insert(new_name.clone(), v);
                }),
            );
        }
        // The same entry again under a name that maps to the same GGUF tensor.
        let n = name.clone();
        g.put(
            K_JSON,
            F,
            format!("{name} also as bert.{name}"),
            with(&move |h| {
                let v = h[&n].clone();
                h.insert(format!("bert.{n}"), v);
            }),
        );
    }
    // Duplicate keys need the text: serde_json keeps one of them.
    let text = std::str::from_utf8(&orig[8..data_start]).unwrap();
    let (fb, fe) = (lay.tensors[0].1, lay.tensors[0].2);
    for (what, entry) in [
        ("same offsets", format!(r#""{first_name}":{{"dtype":"F32","shape":[{}],"data_offsets":[{fb},{fe}]}}"#, (fe - fb) / 4)),
        ("other offsets", format!(r#""{first_name}":{{"dtype":"F32","shape":[1],"data_offsets":[{fb},{}]}}"#, fb + 4)),
        ("bad offsets", format!(r#""{first_name}":{{"dtype":"F32","shape":[1],"data_offsets":[{},{}]}}"#, u64::MAX - 4, u64::MAX)),
    ] {
        let at = text.find('{').unwrap() + 1;
        let mut m = text.to_string();
        m.insert_str(at, &format!("{entry},"));
        g.put(K_JSON, F, format!("duplicate key {first_name} first ({what})"), st_file(m.as_bytes(), &data));
        let mut m = text.trim_end().to_string();
        m.pop(); // the closing brace
        m.push_str(&format!(",{entry}}}"));
        g.put(K_JSON, F, format!("duplicate key {first_name} last ({what})"), st_file(m.as_bytes(), &data));
    }
    // The whole header.
    for (what, h) in [
        ("no __metadata__", {
            let mut h = lay.header.clone();
            h.remove("__metadata__");
            h
        }),
        ("no tensors", Map::new()),
    ] {
        g.put(K_JSON, F, what, st_file(&serde_json::to_vec(&h).unwrap(), &data));
    }
    for junk in [
        json!(5),
        json!([]),
        Value::Null,
        json!({"format": 5}),
        json!({"a": {"b": [1, 2, {"c": null}]}}),
        json!({"format": "x".repeat(50_000)}),
        json!({"dtype": "F32", "shape": [big, big], "data_offsets": [0, 4]}),
    ] {
        let shown: String = junk.to_string().chars().take(40).collect();
        g.put(K_JSON, F, format!("__metadata__ = {shown}"), with(&|h| h["__metadata__"] = junk.clone()));
    }
    for (what, entry) in [
        ("unknown dtype, absurd shape", json!({"dtype": "Q4", "shape": [big, big], "data_offsets": [0, 0]})),
        ("F32, absurd shape", json!({"dtype": "F32", "shape": [big, big], "data_offsets": [0, 4]})),
        ("F32, zero size", json!({"dtype": "F32", "shape": [0, big, big], "data_offsets": [0, 0]})),
        ("F32, sharing bytes", json!({"dtype": "F32", "shape": [1], "data_offsets": [0, 4]})),
    ] {
        for name in ["cls.predictions.decoder.weight", "embeddings.extra.weight", "encoder.layer.0.output.dense.weight2"] {
            g.put(K_JSON, F, format!("extra tensor {name} ({what})"), with(&|h| drop(h.insert(name.to_string(), entry.clone()))));
        }
    }
    let mut padded = text.as_bytes().to_vec();
    padded.extend([b' '; 7]); // the format pads headers with spaces: still valid
    g.put(K_JSON, F, "header padded with spaces", st_file(&padded, &data));
    for not_object in ["[]", "null", "5", "\"x\"", "[{}]", &"[".repeat(10_000)] {
        let shown: String = not_object.chars().take(12).collect();
        g.put(K_JSON, F, format!("header {shown}"), st_file(not_object.as_bytes(), &data));
    }

    // Random bytes in the tensor data: still a model (with odd weights), never a crash.
    for i in 0..12 {
        let mut m = orig.clone();
        for _ in 0..1 + i {
            let at = data_start + g.rng.below(data.len());
            m[at] = if i % 2 == 0 { 0xff } else { g.rng.next() as u8 };
        }
        g.put(K_DATA, F, format!("random data bytes #{i}"), m);
    }
    let mut nan = orig.clone();
    nan[data_start..].fill(0xff);
    g.put(K_DATA, F, "every weight NaN", nan);
}

// ---------------------------------------------------------------------------------------------
// config.json

fn config_mutants(g: &mut Gen) {
    const F: &str = "config.json";
    const K: &str = "config.json";
    g.text_mutants(K, F, 30);
    let cfg = g.json(F);
    for key in cfg.as_object().unwrap().keys().cloned().collect::<Vec<_>>() {
        let k = key.clone();
        g.put_json(K, F, format!("no {key}"), move |c| drop(obj(c).remove(&k)));
        for v in wrong_values() {
            let k = key.clone();
            g.put_json(K, F, format!("{key} = {v}"), move |c| c[&k] = v);
        }
    }
    let hidden = cfg["hidden_size"].as_u64().unwrap();
    let vocab = cfg["vocab_size"].as_u64().unwrap();
    let specific: Vec<(&str, Value)> = vec![
        ("num_attention_heads", json!(3)),
        ("num_attention_heads", json!(7)),
        ("num_attention_heads", json!(hidden * 2)),
        ("num_attention_heads", json!(hidden)),
        ("num_attention_heads", json!(1)),
        ("hidden_size", json!(1u64 << 31)),
        ("hidden_size", json!(hidden + 1)),
        ("hidden_size", json!(u32::MAX)),
        ("vocab_size", json!(vocab - 1)),
        ("vocab_size", json!(vocab + 1)),
        ("vocab_size", json!(u32::MAX)),
        ("vocab_size", json!(1u64 << 40)),
        ("num_hidden_layers", json!(1)),
        ("num_hidden_layers", json!(3)),
        ("num_hidden_layers", json!(1_000_000)),
        ("num_hidden_layers", json!(u32::MAX)),
        ("intermediate_size", json!(u32::MAX)),
        ("max_position_embeddings", json!(1)),
        ("max_position_embeddings", json!(2)),
        ("max_position_embeddings", json!(u32::MAX)),
        ("type_vocab_size", json!(1)),
        ("type_vocab_size", json!(3)),
        ("type_vocab_size", json!(u32::MAX)),
        ("pad_token_id", json!(u32::MAX)),
        ("pad_token_id", json!(u64::MAX)),
        ("layer_norm_eps", json!(-1)),
        ("layer_norm_eps", json!(1e300)),
        ("hidden_act", json!("relu")),
        ("hidden_act", json!("gelu_new")),
        ("position_embedding_type", json!("relative_key")),
        ("is_decoder", json!(true)),
        ("architectures", json!(["RobertaModel"])),
        ("architectures", json!(["XLMRobertaModel"])),
        ("architectures", json!(["BertModel"])),
        ("architectures", json!(["BertForSequenceClassification"])),
        ("architectures", json!(["LlamaForCausalLM"])),
        ("architectures", json!([5])),
        ("architectures", json!("BertModel")),
        ("model_type", json!("roberta")),
        ("model_type", json!("llama")),
        ("bos_token_id", json!(u64::MAX)),
        ("cls_token_id", json!(-1)),
    ];
    for (key, v) in specific {
        g.put_json(K, F, format!("{key} = {v} (specific)"), move |c| c[key] = v);
    }
    g.put_json(K, F, "no architectures, model_type roberta", |c| {
        obj(c).remove("architectures");
        c["model_type"] = json!("roberta");
    });
    g.put_json(K, F, "no architectures, no model_type", |c| {
        obj(c).remove("architectures");
        obj(c).remove("model_type");
    });
    g.put_json(K, F, "hidden_size 2^31 with 1 head", |c| {
        c["hidden_size"] = json!(1u64 << 31);
        c["num_attention_heads"] = json!(1);
    });
    g.put_json(K, F, "only architectures", |c| *c = json!({"architectures": c["architectures"].clone()}));
}

// ---------------------------------------------------------------------------------------------
// tokenizer.json, vocab.txt, tokenizer_config.json, special_tokens_map.json

fn tokenizer_json_mutants(g: &mut Gen) {
    const F: &str = "tokenizer.json";
    const K: &str = "tokenizer.json";
    g.text_mutants(K, F, 30);
    let tj = g.json(F);
    let unigram = tj["model"]["type"] == "Unigram";
    for t in [json!("BPE"), json!("WordLevel"), json!("Unigram"), json!("WordPiece"), json!(5), Value::Null] {
        g.put_json(K, F, format!("model.type = {t}"), move |v| v["model"]["type"] = t);
    }
    g.put_json(K, F, "no model.type", |v| drop(obj(&mut v["model"]).remove("type")));
    g.put_json(K, F, "no model", |v| drop(obj(v).remove("model")));
    for voc in [Value::Null, json!([]), json!({}), json!("x"), json!([[]]), json!([["a"]]), json!([[5, "x"]]), json!({"a": "b"})] {
        g.put_json(K, F, format!("model.vocab = {voc}"), move |v| v["model"]["vocab"] = voc);
    }
    g.put_json(K, F, "no model.vocab", |v| drop(obj(&mut v["model"]).remove("vocab")));
    if unigram {
        let n = tj["model"]["vocab"].as_array().unwrap().len();
        for (i, e) in [json!([5, 1.0]), json!(["a"]), json!([]), json!(["a", "x"]), json!(["a", 1e300]), json!(["", 0.0]), json!("a")]
            .into_iter()
            .enumerate()
        {
            let at = (i * 37) % n;
            g.put_json(K, F, format!("model.vocab[{at}] = {e}"), move |v| v["model"]["vocab"][at] = e);
        }
        g.put_json(K, F, "model.vocab duplicated", |v| {
            let mut all = v["model"]["vocab"].as_array().unwrap().clone();
            all.extend(all.clone());
            v["model"]["vocab"] = json!(all);
        });
        for u in [json!(-1), json!(u64::MAX), json!(n), json!("x"), Value::Null] {
            g.put_json(K, F, format!("model.unk_id = {u}"), move |v| v["model"]["unk_id"] = u);
        }
        g.put_json(K, F, "model.byte_fallback = true", |v| v["model"]["byte_fallback"] = json!(true));
        for b64 in ["AAA=", "AAAAAAAA", "////////////", "not base64!", "AAAA", "/////w==", "AAAAAP8AAAD/////", ""] {
            g.put_json(K, F, format!("precompiled_charsmap {b64:?}"), move |v| {
                v["normalizer"] = json!({"type": "Precompiled", "precompiled_charsmap": b64});
            });
        }
        // A real-looking charsmap header whose blob sizes point past the end.
        let mut rng = Rng::new(0x6368_6172_736d_6170);
        for i in 0..6 {
            let bytes: Vec<u8> = (0..4 + i * 7).map(|_| rng.next() as u8).collect();
            let b64 = base64(&bytes);
            g.put_json(K, F, format!("precompiled_charsmap random #{i}"), move |v| {
                v["normalizer"] = json!({"type": "Precompiled", "precompiled_charsmap": b64});
            });
        }
        for p in [
            Value::Null,
            json!(5),
            json!({"type": "Whitespace"}),
            json!({"type": "Sequence", "pretokenizers": []}),
            json!({"type": "Sequence", "pretokenizers": 5}),
            json!({"type": "Metaspace", "replacement": "x"}),
            json!({"type": "Metaspace", "replacement": 5, "prepend_scheme": 5}),
            json!({"type": "Metaspace", "prepend_scheme": "never"}),
        ] {
            g.put_json(K, F, format!("pre_tokenizer = {p}"), move |v| v["pre_tokenizer"] = p);
        }
    } else {
        let voc = tj["model"]["vocab"].as_object().unwrap();
        let n = voc.len() as u64;
        let names: Vec<String> = voc.keys().cloned().collect();
        let a = names[names.len() / 2].clone();
        let b = names[names.len() / 3].clone();
        for id in [json!(-1), json!("5"), json!(1.5), json!(u32::MAX), json!(1u64 << 32), json!(n - 1), json!(n), Value::Null] {
            let a = a.clone();
            g.put_json(K, F, format!("model.vocab[{a:?}] = {id}"), move |v| v["model"]["vocab"][&a] = id);
        }
        let (a2, b2) = (a.clone(), b.clone());
        g.put_json(K, F, format!("{a:?} and {b:?} share an id"), move |v| {
            let id = v["model"]["vocab"][&b2].clone();
            v["model"]["vocab"][&a2] = id;
        });
        g.put_json(K, F, "every id + 1000", |v| {
            for id in obj(&mut v["model"]["vocab"]).values_mut() {
                *id = json!(id.as_u64().unwrap() + 1000);
            }
        });
        for tok in ["", "##", "\u{0}", "\u{2581}", "[UNUSED]", &"x".repeat(10_000)] {
            let shown: String = tok.escape_debug().take(12).collect();
            g.put_json(K, F, format!("token {shown:?} replaces {a:?}"), {
                let a = a.clone();
                move |v| {
                    let id = obj(&mut v["model"]["vocab"]).remove(&a).unwrap();
                    v["model"]["vocab"][tok] = id;
                }
            });
        }
        for special in ["[CLS]", "[SEP]", "[UNK]", "[PAD]", "[MASK]"] {
            g.put_json(K, F, format!("no {special} anywhere"), move |v| {
                obj(&mut v["model"]["vocab"]).remove(special);
                let added = v["added_tokens"].as_array_mut().unwrap();
                added.retain(|t| t["content"] != special);
            });
        }
        g.put_json(K, F, "no special tokens anywhere", |v| {
            for s in ["[CLS]", "[SEP]", "[UNK]", "[PAD]", "[MASK]"] {
                obj(&mut v["model"]["vocab"]).remove(s);
            }
            v["added_tokens"] = json!([]);
            v["post_processor"] = Value::Null;
        });
        for p in [json!("@@"), json!(5), json!(""), Value::Null] {
            g.put_json(K, F, format!("continuing_subword_prefix = {p}"), move |v| v["model"]["continuing_subword_prefix"] = p);
        }
        for m in [json!(-1), json!(0), json!(1u64 << 40), json!("x")] {
            g.put_json(K, F, format!("max_input_chars_per_word = {m}"), move |v| v["model"]["max_input_chars_per_word"] = m);
        }
        for norm in [
            Value::Null,
            json!(5),
            json!({"type": "Foo"}),
            json!({"type": "Sequence", "normalizers": 5}),
            json!({"type": "Sequence", "normalizers": [{"type": "Lowercase"}, 5]}),
            json!({"type": "BertNormalizer", "lowercase": "yes", "strip_accents": 5}),
        ] {
            g.put_json(K, F, format!("normalizer = {norm}"), move |v| v["normalizer"] = norm);
        }
    }
    // Added tokens, whatever the model.
    let n_added = tj["added_tokens"].as_array().map_or(0, |a| a.len());
    for a in [json!(5), Value::Null, json!({}), json!([5]), json!([{}])] {
        g.put_json(K, F, format!("added_tokens = {a}"), move |v| v["added_tokens"] = a);
    }
    g.put_json(K, F, "no added_tokens", |v| drop(obj(v).remove("added_tokens")));
    if n_added > 0 {
        for id in [json!(-1), json!(u32::MAX), json!(1u64 << 40), json!("0"), Value::Null, json!(100_000)] {
            g.put_json(K, F, format!("added_tokens[0].id = {id}"), move |v| v["added_tokens"][0]["id"] = id);
        }
        for c in [json!(5), Value::Null, json!(""), json!("[NEW]")] {
            g.put_json(K, F, format!("added_tokens[0].content = {c}"), move |v| v["added_tokens"][0]["content"] = c);
        }
        g.put_json(K, F, "added_tokens[0].special = \"yes\"", |v| v["added_tokens"][0]["special"] = json!("yes"));
        g.put_json(K, F, "added_tokens repeated", |v| {
            let mut all = v["added_tokens"].as_array().unwrap().clone();
            all.extend(all.clone());
            v["added_tokens"] = json!(all);
        });
    }
    for (what, id) in [("next id", None), ("an existing id", Some(json!(n_added))), ("id u32::MAX", Some(json!(u32::MAX)))] {
        g.put_json(K, F, format!("a new added token with {what}"), move |v| {
            let next = json!(v["model"]["vocab"].as_array().map_or_else(|| v["model"]["vocab"].as_object().unwrap().len(), |a| a.len()));
            let id = id.unwrap_or(next);
            v["added_tokens"].as_array_mut().unwrap().push(json!({"id": id, "content": "<new>", "special": true}));
        });
    }
    for p in [
        json!(5),
        json!({"type": "TemplateProcessing", "single": 5, "pair": "x"}),
        json!({"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": 5}}, {"Sequence": {"id": "A"}}], "pair": [{}]}),
        json!({"type": "TemplateProcessing", "single": [{}, {}, {}], "pair": [{"Sequence": {"id": "A"}}, {}, {"Sequence": {"id": "B"}}]}),
        json!({"type": "Sequence", "processors": [{"type": "RobertaProcessing"}, 5]}),
        json!({"type": "Sequence", "processors": 5}),
        json!({"type": "RobertaProcessing"}),
    ] {
        let shown: String = p.to_string().chars().take(60).collect();
        g.put_json(K, F, format!("post_processor = {shown}"), move |v| v["post_processor"] = p);
    }
}

/// Standard base64 with padding, for the charsmap mutants.
fn base64(bytes: &[u8]) -> String {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (c[0] as u32) << 16 | (*c.get(1).unwrap_or(&0) as u32) << 8 | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            out.push(if i <= c.len() { T[(n >> (18 - 6 * i) & 63) as usize] as char } else { '=' });
        }
    }
    out
}

/// vocab.txt, with tokenizer.json gone so that it is what gets read.
fn vocab_txt_mutants(g: &mut Gen) {
    const F: &str = "vocab.txt";
    const K: &str = "vocab.txt";
    let orig = g.good[F].clone();
    let text = String::from_utf8(orig.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut inner = Gen { good: g.good, out: Vec::new(), rng: Rng::new(g.rng.next()) };
    inner.text_mutants(K, F, 12);
    let mut edit = |what: &str, f: &dyn Fn(&mut Vec<String>)| {
        let mut l: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        f(&mut l);
        inner.put(K, F, what, (l.join("\n") + "\n").into_bytes());
    };
    edit("[CLS] twice", &|l| l.push("[CLS]".into()));
    edit("a word twice", &|l| {
        let w = l[l.len() / 2].clone();
        l.push(w);
    });
    edit("every line twice", &|l| *l = l.iter().flat_map(|s| [s.clone(), s.clone()]).collect());
    for s in ["[CLS]", "[SEP]", "[UNK]", "[PAD]", "[MASK]"] {
        edit(&format!("no {s}"), &|l| l.retain(|x| x != s));
    }
    edit("no special tokens", &|l| l.retain(|x| !x.starts_with('[')));
    edit("CRLF line ends", &|l| l.iter_mut().for_each(|x| x.push('\r')));
    edit("a 100 kB line", &|l| l.push("y".repeat(100_000)));
    edit("300 more lines", &|l| l.extend((0..300).map(|i| format!("extra{i}"))));
    edit("blank lines", &|l| l.iter_mut().step_by(7).for_each(|x| x.clear()));
    edit("a NUL in a line", &|l| l[10].push('\0'));
    edit("only [UNK]", &|l| *l = vec!["[UNK]".into()]);
    for mut m in inner.out {
        m.files.push(("tokenizer.json".into(), None));
        m.what.push_str(" (no tokenizer.json)");
        g.out.push(m);
    }
}

fn tokenizer_config_mutants(g: &mut Gen, file: &'static str, kind: &'static str) {
    g.text_mutants(kind, file, 10);
    let cfg = g.json(file);
    let keys: Vec<String> = cfg.as_object().unwrap().keys().cloned().collect();
    for key in keys {
        let k = key.clone();
        g.put_json(kind, file, format!("no {key}"), move |c| drop(obj(c).remove(&k)));
        for v in [json!(5), json!("[NOPE]"), json!({"content": 5}), json!({"content": "[CLS]"}), Value::Null, json!(true)] {
            let k = key.clone();
            g.put_json(kind, file, format!("{key} = {v}"), move |c| c[&k] = v);
        }
    }
    for (key, v) in [
        ("add_bos_token", json!(true)),
        ("add_eos_token", json!("x")),
        ("clean_up_tokenization_spaces", json!(true)),
        ("bos_token", json!("[CLS]")),
        ("eos_token", json!({"content": "[SEP]"})),
    ] {
        g.put_json(kind, file, format!("{key} = {v} (added)"), move |c| c[key] = v);
    }
}

// ---------------------------------------------------------------------------------------------
// sentence-transformers files

fn st_config_mutants(g: &mut Gen) {
    const K: &str = "sentence-transformers";
    if g.good.contains_key("modules.json") {
        g.text_mutants(K, "modules.json", 6);
        let modules = g.json("modules.json");
        let n = modules.as_array().unwrap().len();
        for i in 0..n {
            for (field, v) in [
                ("type", json!(5)),
                ("type", json!("sentence_transformers.models.Dense")),
                ("type", json!("sentence_transformers.models.Pooling")),
                ("type", json!("sentence_transformers.models.Normalize")),
                ("type", Value::Null),
                ("path", json!("nope")),
                ("path", json!(5)),
                ("path", json!("../..")),
                ("path", json!("/")),
                ("path", json!("1_Pooling/config.json")),
                ("path", json!("\u{0}")),
            ] {
                g.put_json(K, "modules.json", format!("[{i}].{field} = {v}"), move |m| m[i][field] = v);
            }
            g.put_json(K, "modules.json", format!("[{i}] = 5"), move |m| m[i] = json!(5));
            g.put_json(K, "modules.json", format!("[{i}] removed"), move |m| drop(m.as_array_mut().unwrap().remove(i)));
        }
        g.put_json(K, "modules.json", "every module twice", |m| {
            let mut all = m.as_array().unwrap().clone();
            all.extend(all.clone());
            *m = json!(all);
        });
        g.put_many(K, "modules.json deleted", vec![("modules.json", None)], false);
    }
    if g.good.contains_key("1_Pooling/config.json") {
        const F: &str = "1_Pooling/config.json";
        g.text_mutants(K, F, 6);
        let flags = [
            "pooling_mode_cls_token",
            "pooling_mode_mean_tokens",
            "pooling_mode_max_tokens",
            "pooling_mode_mean_sqrt_len_tokens",
            "pooling_mode_weightedmean_tokens",
            "pooling_mode_lasttoken",
        ];
        g.put_json(K, F, "every mode off", move |c| flags.iter().for_each(|f| c[*f] = json!(false)));
        g.put_json(K, F, "every mode on", move |c| flags.iter().for_each(|f| c[*f] = json!(true)));
        for f in flags {
            g.put_json(K, F, format!("{f} alone"), move |c| {
                flags.iter().for_each(|x| c[*x] = json!(false));
                c[f] = json!(true);
            });
            g.put_json(K, F, format!("{f} = \"true\""), move |c| c[f] = json!("true"));
        }
        for m in [json!("mean"), json!("bogus"), json!(5), json!("mean_sqrt_len_tokens")] {
            g.put_json(K, F, format!("modes off, pooling_mode = {m}"), move |c| {
                flags.iter().for_each(|x| c[*x] = json!(false));
                c["pooling_mode"] = m;
            });
        }
        g.put_json(K, F, "word_embedding_dimension = -1", |c| c["word_embedding_dimension"] = json!(-1));
        g.put_many(K, format!("{F} deleted"), vec![(F, None)], false);
    }
    if g.good.contains_key("sentence_bert_config.json") {
        const F: &str = "sentence_bert_config.json";
        g.text_mutants(K, F, 6);
        for v in wrong_values().into_iter().chain([json!(u32::MAX), json!(1)]) {
            g.put_json(K, F, format!("max_seq_length = {v}"), move |c| c["max_seq_length"] = v);
        }
        for v in [json!("x"), json!(true), json!(5)] {
            g.put_json(K, F, format!("do_lower_case = {v}"), move |c| c["do_lower_case"] = v);
        }
    }
    // config_sentence_transformers.json, written where the folder has none.
    const C: &str = "config_sentence_transformers.json";
    for (what, v) in [
        ("prompts = 5", json!({"prompts": 5})),
        ("prompt not a string", json!({"prompts": {"q": 5}})),
        ("default_prompt_name names nothing", json!({"prompts": {"q": "query: "}, "default_prompt_name": "x"})),
        ("default_prompt_name = 5", json!({"prompts": {"q": "query: "}, "default_prompt_name": 5})),
        ("a good prompt", json!({"prompts": {"q": "query: ", "": ""}, "default_prompt_name": "q"})),
        ("a 100 kB prompt", json!({"prompts": {"q": "x".repeat(100_000)}})),
    ] {
        g.put(K, C, what, serde_json::to_vec(&v).unwrap());
    }
    for (what, bytes) in [("not JSON", b"{".to_vec()), ("not UTF-8", b"{\"prompts\": {\"q\": \"\xff\"}}".to_vec()), ("empty", Vec::new())] {
        g.put(K, C, what, bytes);
    }
}

fn missing_file_mutants(g: &mut Gen) {
    const K: &str = "missing files";
    for f in ["model.safetensors", "config.json"] {
        g.put_many(K, format!("{f} deleted"), vec![(f, None)], true);
    }
    g.put_many(K, "tokenizer.json and vocab.txt deleted", vec![("tokenizer.json", None), ("vocab.txt", None)], true);
    for f in ["tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json", "sentence_bert_config.json"] {
        if g.good.contains_key(f) {
            // Without tokenizer.json, vocab.txt is required.
            let missing = f == "tokenizer.json" && !g.good.contains_key("vocab.txt");
            g.put_many(K, format!("{f} deleted"), vec![(f, None)], missing);
        }
    }
    let optional: Vec<(String, Option<Vec<u8>>)> = g
        .good
        .keys()
        .filter(|f| !matches!(f.as_str(), "config.json" | "model.safetensors" | "tokenizer.json"))
        .map(|f| (f.clone(), None))
        .collect();
    g.out.push(Mutant { kind: K, what: "every optional file deleted".into(), files: optional, missing: false });
}

fn mutants(good: &BTreeMap<String, Vec<u8>>, seed: u64) -> Vec<Mutant> {
    let mut g = Gen { good, out: Vec::new(), rng: Rng::new(seed) };
    st_mutants(&mut g);
    config_mutants(&mut g);
    if good.contains_key("tokenizer.json") {
        tokenizer_json_mutants(&mut g);
    }
    if good.contains_key("vocab.txt") {
        vocab_txt_mutants(&mut g);
    }
    for (file, kind) in [("tokenizer_config.json", "tokenizer_config.json"), ("special_tokens_map.json", "special_tokens_map.json")] {
        if good.contains_key(file) {
            tokenizer_config_mutants(&mut g, file, kind);
        }
    }
    st_config_mutants(&mut g);
    missing_file_mutants(&mut g);
    g.out
}

// ---------------------------------------------------------------------------------------------
// Running them

fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn write_file(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

/// What one mutant gave.
enum Outcome {
    Refused(ErrorCode, String),
    /// Converted; then `None` when llama.cpp was not asked, else what loading it gave.
    Converted(Option<std::result::Result<(), ErrorCode>>),
}

fn convert_one(dir: &Path, out: &Path, ty: ConvertType, load: bool) -> Outcome {
    let opts = ConvertOptions { r#type: ty, name: None };
    match convert_with_notes(dir, out, &opts) {
        Err(e) => Outcome::Refused(e.code(), e.message().to_string()),
        Ok(_) => {
            // Our own reader must accept whatever the converter wrote.
            if let Err(e) = read_metadata(out) {
                return Outcome::Refused(ErrorCode::EngineFailure, format!("converted, but the GGUF is unreadable: {e}"));
            }
            if !load {
                return Outcome::Converted(None);
            }
            Outcome::Converted(Some(match Model::load(out) {
                Err(e) => Err(e.code()),
                Ok(model) => {
                    if let Ok(ctx) = Context::new(Arc::new(model), ContextParams::default()) {
                        let _ = ctx.embed(&["hello world", "a b c"], EmbedOptions::default());
                    }
                    Ok(())
                }
            }))
        }
    }
}

struct Report {
    tried: usize,
    skipped: usize,
    refused: usize,
    per_kind: BTreeMap<&'static str, usize>,
    per_result: BTreeMap<String, usize>,
    problems: Vec<String>,
}

fn fuzz(name: &str, src: &Path, seed: u64, deadline: Instant) -> Report {
    let good = read_tree(src);
    let root = std::env::temp_dir().join(format!("mullama-fuzz-convert-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    // Named like the good folder, so `general.name` (the folder's name) comes out the same.
    let dir = root.join(src.file_name().unwrap());
    for (rel, bytes) in &good {
        write_file(&dir, rel, bytes);
    }
    let out: PathBuf = root.join("out.gguf");
    let current = root.join("current-mutant.txt");

    // The good folder converts, loads, and gives the same file from the copy as from the source.
    let reference = root.join("reference.gguf");
    convert_with_notes(src, &reference, &ConvertOptions { r#type: ConvertType::F16, name: None })
        .unwrap_or_else(|e| panic!("{name}: the good folder does not convert: {e}"));
    let check_good = |when: &str| {
        let _ = std::fs::remove_file(&out);
        assert!(matches!(convert_one(&dir, &out, ConvertType::F16, true), Outcome::Converted(Some(Ok(())))), "{name}: good copy, {when}");
        assert!(std::fs::read(&out).unwrap() == std::fs::read(&reference).unwrap(), "{name}: the good copy converts differently {when}");
    };
    check_good("before the mutants");

    let mut all = mutants(&good, seed);
    // Seeded shuffle, so that running out of time leaves out a few of every kind, not one kind.
    let mut rng = Rng::new(seed ^ 0x5eed);
    for i in (1..all.len()).rev() {
        all.swap(i, rng.below(i + 1));
    }
    let mut report =
        Report { tried: 0, skipped: 0, refused: 0, per_kind: BTreeMap::new(), per_result: BTreeMap::new(), problems: Vec::new() };
    let dir_str = dir.to_string_lossy().into_owned();
    let verbose = std::env::var_os("MULLAMA_FUZZ_VERBOSE").is_some();
    eprintln!("{name}: {} mutants; if this binary aborts, {} names the one it was on", all.len(), current.display());
    let (mut loaded, mut converted) = (0usize, 0usize);
    for (i, m) in all.iter().enumerate() {
        if Instant::now() >= deadline {
            report.skipped = all.len() - i;
            break;
        }
        let label = format!("{name} [{}] {}", m.kind, m.what);
        std::fs::write(&current, &label).unwrap();
        if verbose {
            eprintln!("{label}");
        }
        for (rel, bytes) in &m.files {
            match bytes {
                Some(b) => write_file(&dir, rel, b),
                None => drop(std::fs::remove_file(dir.join(rel))),
            }
        }
        let _ = std::fs::remove_file(&out);
        let ty = [ConvertType::F16, ConvertType::F32, ConvertType::Q8_0][i % 3];
        // Loading every converted mutant into llama.cpp is the point, but bounded: once most of
        // the time is gone, only every fourth one is loaded.
        let load = converted % 4 == 0 || deadline.saturating_duration_since(Instant::now()) > Duration::from_secs(15);
        let outcome = catch_unwind(AssertUnwindSafe(|| convert_one(&dir, &out, ty, load)));
        for (rel, _) in &m.files {
            match good.get(rel) {
                Some(b) => write_file(&dir, rel, b),
                None => drop(std::fs::remove_file(dir.join(rel))),
            }
        }
        report.tried += 1;
        *report.per_kind.entry(m.kind).or_default() += 1;
        let result = match outcome {
            Err(panic) => {
                let msg = panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
                report.problems.push(format!("{label}: PANIC {}", msg.unwrap_or_default()));
                "PANIC".to_string()
            }
            Ok(Outcome::Refused(code, msg)) => {
                report.refused += 1;
                let fine = match code {
                    // Every converter message starts with the file (or folder) it is about.
                    ErrorCode::ConvertFailed => msg.contains(&dir_str),
                    ErrorCode::Io | ErrorCode::ModelInvalid => true,
                    ErrorCode::ModelNotFound => m.missing,
                    _ => false,
                };
                if !fine {
                    report.problems.push(format!("{label}: {code:?}: {msg}"));
                }
                if verbose {
                    eprintln!("  -> {code:?}: {msg}");
                }
                format!("{code:?}")
            }
            Ok(Outcome::Converted(load)) => {
                converted += 1;
                match load {
                    None => "converted (not loaded)".to_string(),
                    Some(Ok(())) => {
                        loaded += 1;
                        "converted, loaded".to_string()
                    }
                    Some(Err(code)) => format!("converted, load refused: {code:?}"),
                }
            }
        };
        *report.per_result.entry(result).or_default() += 1;
    }
    check_good("after the mutants");
    std::fs::remove_dir_all(&root).unwrap();
    eprintln!("{name}: {} tried, {} refused, {converted} converted ({loaded} loaded and embedded)", report.tried, report.refused);
    report
}

#[test]
fn hf_folder_mutants_give_typed_errors() {
    let start = Instant::now();
    let secs: u64 = std::env::var("MULLAMA_FUZZ_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let td = testdata();
    let folders: Vec<(&str, PathBuf, u64)> = vec![
        ("tiny-bert-hf", td.join("tiny-bert-hf"), 0x6d75_6c6c_636f_6e31),
        ("xlmr-hf", td.join("variants/xlmr-hf"), 0x6d75_6c6c_636f_6e32),
    ];
    let folders: Vec<_> = folders.into_iter().filter(|(_, p, _)| p.join("config.json").is_file()).collect();
    assert!(folders.iter().any(|(n, _, _)| *n == "tiny-bert-hf"), "no tiny-bert-hf in {}: run scripts/gen-testdata.sh", td.display());
    // A folder the converter does not take at all (a decoder) is refused with a typed error.
    let llama = td.join("tiny-llama-hf");
    if llama.is_dir() {
        let out = std::env::temp_dir().join(format!("mullama-fuzz-convert-llama-{}.gguf", std::process::id()));
        let e = convert_with_notes(&llama, &out, &ConvertOptions::default()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::ConvertFailed, "{e}");
    }

    let mut problems = Vec::new();
    let mut totals: BTreeMap<String, usize> = BTreeMap::new();
    let (mut tried, mut skipped, mut refused) = (0, 0, 0);
    for (i, (name, path, seed)) in folders.iter().enumerate() {
        // Each folder gets its share of what is left (the first, with more kinds, the larger).
        let left = Duration::from_secs(secs).saturating_sub(start.elapsed());
        let share = if i + 1 == folders.len() { left } else { left.mul_f64(0.7) };
        let r = fuzz(name, path, *seed, Instant::now() + share);
        eprintln!("{name}: mutants per kind:");
        for (k, n) in &r.per_kind {
            eprintln!("  {k:<28} {n:>5}");
        }
        eprintln!("{name}: results:");
        for (k, n) in &r.per_result {
            eprintln!("  {k:<38} {n:>5}");
            *totals.entry(k.clone()).or_default() += n;
        }
        if r.skipped > 0 {
            eprintln!("{name}: {} mutants not tried: out of time (MULLAMA_FUZZ_SECS={secs})", r.skipped);
        }
        tried += r.tried;
        skipped += r.skipped;
        refused += r.refused;
        problems.extend(r.problems);
    }
    eprintln!("all folders: {tried} mutants in {:.1} s ({skipped} not tried for time); results:", start.elapsed().as_secs_f64());
    for (k, n) in &totals {
        eprintln!("  {k:<38} {n:>5}");
    }
    assert!(problems.is_empty(), "{} mutants panicked or gave an unexpected error:\n{}", problems.len(), problems.join("\n"));
    assert!(refused >= 300, "only {refused} mutants were refused: the mutants no longer reach the converter's checks");
}
