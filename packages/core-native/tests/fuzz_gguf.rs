//! GGUF mutants (seeded, so every run tries the same files): truncations at every structural
//! boundary, random bytes in the header, absurd counts. Each must load into a typed error, or
//! load and embed without taking the process down. A mutant that aborts kills this test binary,
//! which is the failure we look for: llama.cpp must never see a file our checker would refuse.

mod common;
use common::*;
use mullama_core::{convert::read_metadata, Context, ContextParams, EmbedOptions, ErrorCode, Model};
use std::sync::Arc;

fn mutants(original: &[u8], data_offset: usize, infos_at: usize, tensor_ends: &[usize], seed: u64) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    // Truncations: the header every 8 bytes, around the data start, around every tensor's end.
    let mut cuts: Vec<usize> = (0..data_offset.min(4096)).step_by(8).collect();
    for &b in [data_offset].iter().chain(tensor_ends) {
        cuts.extend([b.saturating_sub(1), b, b + 1]);
    }
    cuts.retain(|&c| c < original.len());
    cuts.sort_unstable();
    cuts.dedup();
    for c in cuts {
        out.push((format!("truncated at {c}"), original[..c].to_vec()));
    }
    // Absurd counts: tensor count (bytes 8..16) and KV count (16..24).
    for (at, what) in [(8, "tensor count"), (16, "kv count")] {
        for v in [u64::MAX, 1 << 40, 0] {
            let mut m = original.to_vec();
            m[at..at + 8].copy_from_slice(&v.to_le_bytes());
            out.push((format!("{what} = {v}"), m));
        }
    }
    // Random bytes anywhere in the header (metadata, tensor infos).
    let mut rng = Rng::new(seed);
    for i in 0..1000 {
        let mut m = original.to_vec();
        for _ in 0..1 + i % 3 {
            let at = rng.below(data_offset);
            m[at] = rng.next() as u8;
        }
        out.push((format!("random header bytes #{i}"), m));
    }
    // The tensor infos (names, shapes, types, offsets) are a small part of the header, and the
    // part llama.cpp trusts most: hit them on purpose.
    for i in 0..500 {
        let mut m = original.to_vec();
        let at = infos_at + rng.below(data_offset - infos_at);
        m[at] = match i % 4 {
            0 => 0xff,
            1 => 0,
            _ => rng.next() as u8,
        };
        out.push((format!("random tensor-info byte #{i}"), m));
    }
    out
}

fn fuzz(name: &str, seed: u64) {
    let path = testdata().join(format!("{name}.gguf"));
    let original = std::fs::read(&path).unwrap();
    let meta = read_metadata(&path).unwrap();
    let data_offset = meta.data_offset as usize;
    let ends: Vec<usize> = meta.tensors.iter().map(|t| data_offset + t.offset as usize).collect();
    // The tensor infos start with the first tensor's name (a u64 length, then the bytes).
    let first = meta.tensors[0].name.as_bytes();
    let infos_at = original.windows(first.len()).position(|w| w == first).unwrap() - 8;
    let dir = std::env::temp_dir().join(format!("mullama-fuzz-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("mutant.gguf");
    let (mut refused, mut loaded) = (0, 0);
    for (what, bytes) in mutants(&original, data_offset, infos_at, &ends, seed) {
        std::fs::write(&file, &bytes).unwrap();
        eprintln!("{name}: {what}");
        match Model::load(&file) {
            Err(e) => {
                assert!(matches!(e.code(), ErrorCode::ModelInvalid | ErrorCode::ModelUnsupported), "{name}, {what}: {e}");
                refused += 1;
            }
            Ok(model) => {
                // A byte that changed only a name or a value llama.cpp tolerates: it must still
                // embed, or fail with a typed error.
                loaded += 1;
                if let Ok(ctx) = Context::new(Arc::new(model), ContextParams::default()) {
                    let _ = ctx.embed(&["hello world"], EmbedOptions::default());
                }
            }
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
    eprintln!("{name}: {refused} mutants refused with a typed error, {loaded} loaded; none aborted");
    assert!(refused > 1000, "{name}: only {refused} mutants refused");
}

#[test]
fn tiny_bert_mutants_never_abort() {
    fuzz("tiny-bert", 0x6d75_6c6c_616d_6131);
}

#[test]
fn tiny_llama_mutants_never_abort() {
    fuzz("tiny-llama", 0x6d75_6c6c_616d_6132);
}
