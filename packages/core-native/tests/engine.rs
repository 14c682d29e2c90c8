//! The scheduler and its guards: batch invariance, overflow policies, long texts, concurrent
//! callers, and every bad input a Rust caller can give (typed error, never an abort).

mod common;
use common::*;
use mullama_core::{normalize, Context, ContextParams, EmbedOptions, ErrorCode, Model, OverflowPolicy, PoolingStrategy};
use std::sync::Arc;

fn corpus() -> Vec<String> {
    let path = workspace_root().join("scenarios/corpus/short.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().filter(|l| !l.trim().is_empty()).take(256).map(str::to_string).collect()
}

fn opts(p: PoolingStrategy) -> EmbedOptions {
    EmbedOptions { pooling: Some(p), normalize: Some(true), ..Default::default() }
}

/// Worst max-abs difference (L2-normalised) between each text alone and inside one batch of 256.
fn worst_batch_difference(name: &str, params: ContextParams, strategy: PoolingStrategy) -> f32 {
    let texts = corpus();
    assert_eq!(texts.len(), 256);
    // The tiny vocabularies split unknown words into many pieces: cut the few long lines.
    let ctx = context(name, ContextParams { overflow: OverflowPolicy::TruncateEnd, ..params });
    let batch = ctx.embed(&texts, opts(strategy)).unwrap();
    (0..texts.len())
        .step_by(3)
        .map(|i| max_abs_diff(&ctx.embed(&[&texts[i]], opts(strategy)).unwrap()[0].data, &batch[i].data))
        .fold(0.0, f32::max)
}

const POOLINGS: [PoolingStrategy; 4] = [PoolingStrategy::Mean, PoolingStrategy::First, PoolingStrategy::Last, PoolingStrategy::Max];

/// In exact mode (no flash attention, f32 K/V) the decoder is invariant to 1e-7. BERT's GELU goes
/// through ggml's fp16 lookup table, which turns the last-bit differences of batch-size-dependent
/// kernels into occasional 1e-4 steps: 3e-5 measured on the tiny encoder.
#[test]
fn a_text_gives_the_same_vector_alone_or_in_a_batch_of_256() {
    let exact = ContextParams { flash_attention: false, ..Default::default() };
    for (name, tol) in [("tiny-llama", 1e-5), ("tiny-bert", 1e-4)] {
        for strategy in POOLINGS {
            let worst = worst_batch_difference(name, exact.clone(), strategy);
            eprintln!("{name} {strategy:?} exact: worst {worst:.2e}");
            assert!(worst <= tol, "{name} {strategy:?}: batch changed a vector by {worst}");
        }
    }
}

/// With flash attention ggml uses a tiled kernel from 32 queries up and a row kernel below, with
/// f16 K/V: vectors move by up to 5e-4 on the tiny random models (1.7e-4 on all-MiniLM).
#[test]
fn batching_moves_vectors_only_within_flash_attention_rounding() {
    for name in ["tiny-llama", "tiny-bert"] {
        for strategy in POOLINGS {
            let worst = worst_batch_difference(name, ContextParams::default(), strategy);
            eprintln!("{name} {strategy:?} default: worst {worst:.2e}");
            assert!(worst <= 1e-3, "{name} {strategy:?}: batch changed a vector by {worst}");
        }
    }
}

#[test]
fn text_longer_than_the_micro_batch_is_embedded_not_aborted() {
    let long = "the quick brown fox jumps over the lazy dog ".repeat(4);
    for name in ["tiny-bert", "tiny-llama"] {
        let small = context(name, ContextParams { n_batch: 16, ..Default::default() });
        let normal = context(name, ContextParams::default());
        let a = small.embed(&[&long], opts(PoolingStrategy::Mean)).unwrap().remove(0);
        let b = normal.embed(&[&long], opts(PoolingStrategy::Mean)).unwrap().remove(0);
        assert!(a.tokens > 16, "{name}: text should exceed the 16-token budget, has {}", a.tokens);
        assert!(max_abs_diff(&a.data, &b.data) <= 2e-4, "{name}: budget changed the vector");
    }
}

#[test]
fn overflow_error_is_the_default_and_names_the_fix() {
    let ctx = context("tiny-bert", ContextParams { n_ctx: 8, ..Default::default() });
    let e = ctx.embed(&["the quick brown fox jumps over the lazy dog"], EmbedOptions::default()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InputTooLong);
    assert!(e.message().contains("truncate"), "{e}");
}

#[test]
fn truncation_keeps_special_tokens_and_reports_counts() {
    let m = model("tiny-bert");
    let full = m.tokenize_raw("the quick brown fox jumps over the lazy dog").unwrap();
    for policy in [OverflowPolicy::TruncateEnd, OverflowPolicy::TruncateStart] {
        let t = m.tokens_for("the quick brown fox jumps over the lazy dog", 6, policy).unwrap();
        assert_eq!(t.tokens.len(), 6);
        assert!(t.truncated);
        assert_eq!(t.input_tokens, full.len());
        assert_eq!((t.tokens[0], t.tokens[5]), (full[0], *full.last().unwrap()), "[CLS] and [SEP] stay");
        let kept = &t.tokens[1..5];
        let expect = if policy == OverflowPolicy::TruncateEnd { &full[1..5] } else { &full[full.len() - 5..full.len() - 1] };
        assert_eq!(kept, expect, "{policy:?}");
    }
}

#[test]
fn truncate_end_equals_embedding_the_kept_prefix() {
    // tiny-llama tokenizes one token per character after BOS and a "▁" prefix.
    let params = ContextParams { n_ctx: 10, overflow: OverflowPolicy::TruncateEnd, ..Default::default() };
    let ctx = context("tiny-llama", params);
    let cut = ctx.embed(&["abcdefghijklmnopqrstuvwxyz"], opts(PoolingStrategy::Mean)).unwrap().remove(0);
    let prefix = ctx.embed(&["abcdefgh"], opts(PoolingStrategy::Mean)).unwrap().remove(0);
    assert_eq!((cut.tokens, cut.input_tokens, cut.truncated), (10, 28, true));
    assert!(!prefix.truncated);
    assert!(max_abs_diff(&cut.data, &prefix.data) <= 1e-5);

    let params = ContextParams { n_ctx: 10, overflow: OverflowPolicy::TruncateStart, ..Default::default() };
    let start = context("tiny-llama", params).embed(&["abcdefghijklmnopqrstuvwxyz"], opts(PoolingStrategy::Mean)).unwrap().remove(0);
    assert_eq!((start.tokens, start.truncated), (10, true));
    assert!(max_abs_diff(&start.data, &cut.data) > 1e-3, "different halves give different vectors");
}

#[test]
fn bad_texts_are_typed_errors_and_the_context_keeps_working() {
    let ctx = context("tiny-bert", ContextParams::default());
    let code = |r: mullama_core::Result<Vec<mullama_core::Embedding>>| r.unwrap_err().code();
    assert_eq!(code(ctx.embed(&[""], EmbedOptions::default())), ErrorCode::EmptyInput);
    assert_eq!(code(ctx.embed(&["   \t\n "], EmbedOptions::default())), ErrorCode::EmptyInput);
    assert_eq!(code(ctx.embed_bytes(&[b"ok", b"\xff\xfe bad"], EmbedOptions::default())), ErrorCode::InvalidUtf8);
    let e = ctx.embed(&["fine", "", "also fine"], EmbedOptions::default()).unwrap_err();
    assert!(e.message().starts_with("text 1:"), "the error names the bad text: {e}");
    let huge = "word ".repeat(200_000);
    assert_eq!(code(ctx.embed(&[huge.as_str()], EmbedOptions::default())), ErrorCode::InputTooLong);
    assert!(ctx.embed(&[] as &[&str], EmbedOptions::default()).unwrap().is_empty());
    // Nothing above broke the context.
    assert_eq!(ctx.embed(&["still works"], EmbedOptions::default()).unwrap()[0].dimension, 64);
}

#[test]
fn bad_model_files_are_typed_errors() {
    let dir = testdata();
    let code = |p: std::path::PathBuf| Model::load(p).unwrap_err().code();
    assert_eq!(code(dir.join("does-not-exist.gguf")), ErrorCode::ModelNotFound);
    assert_eq!(code(dir.clone()), ErrorCode::ModelNotFound);
    assert_eq!(code(dir.join("not-a-gguf.gguf")), ErrorCode::ModelInvalid);
    assert_eq!(code(dir.join("corrupt-truncated.gguf")), ErrorCode::ModelInvalid);
    let empty = std::env::temp_dir().join(format!("mullama-empty-{}.gguf", std::process::id()));
    std::fs::write(&empty, b"GGUF").unwrap();
    assert_eq!(code(empty.clone()), ErrorCode::ModelInvalid);
    std::fs::write(&empty, b"GGUF\x09\x00\x00\x00").unwrap();
    assert_eq!(code(empty.clone()), ErrorCode::ModelInvalid);
    std::fs::remove_file(empty).unwrap();
}

#[test]
fn bad_parameters_are_typed_errors() {
    let m = model("tiny-bert");
    let bad = |p: ContextParams| Context::new(m.clone(), p).err().expect("should fail").code();
    assert_eq!(bad(ContextParams { embeddings: false, ..Default::default() }), ErrorCode::InvalidArgument);
    assert_eq!(bad(ContextParams { n_threads: 2, n_workers: 4, ..Default::default() }), ErrorCode::InvalidArgument);
    let tiny_ctx = Context::new(m, ContextParams { n_ctx: 2, overflow: OverflowPolicy::TruncateEnd, ..Default::default() }).unwrap();
    assert_eq!(tiny_ctx.embed(&["hello world"], EmbedOptions::default()).unwrap_err().code(), ErrorCode::InvalidArgument);
}

#[test]
fn closed_context_refuses_work() {
    let ctx = context("tiny-bert", ContextParams::default());
    ctx.embed(&["before"], EmbedOptions::default()).unwrap();
    ctx.close();
    assert!(ctx.is_closed());
    assert_eq!(ctx.embed(&["after"], EmbedOptions::default()).unwrap_err().code(), ErrorCode::ContextClosed);
    ctx.close(); // twice is fine
}

#[test]
fn a_context_dropped_with_calls_in_flight_still_delivers_them() {
    // What a Node or Python context meets when it is garbage while its promises are pending.
    let texts: Vec<String> = corpus().into_iter().take(200).collect();
    let (tx, rx) = std::sync::mpsc::channel();
    {
        let ctx = context("tiny-bert", ContextParams { overflow: OverflowPolicy::TruncateEnd, ..Default::default() });
        for chunk in texts.chunks(20) {
            let tx = tx.clone();
            ctx.submit(chunk.to_vec(), EmbedOptions::default(), Box::new(move |r| tx.send(r.map(|v| v.len()).map_err(|e| e.code())).unwrap()));
        }
    } // dropped here, with most texts still queued
    drop(tx);
    let delivered: Vec<_> = rx.iter().collect();
    assert_eq!(delivered, vec![Ok(20); 10]);
}

#[test]
fn concurrent_callers_get_the_same_vectors_as_sequential_calls() {
    let texts = corpus();
    let ctx = Arc::new(context("tiny-bert", ContextParams { overflow: OverflowPolicy::TruncateEnd, ..Default::default() }));
    let sequential: Vec<Vec<f32>> =
        texts.iter().take(64).map(|t| ctx.embed(&[t], EmbedOptions::default()).unwrap().remove(0).data).collect();
    let threads: Vec<_> = (0..8)
        .map(|k| {
            let (ctx, texts) = (ctx.clone(), texts.clone());
            std::thread::spawn(move || {
                (0..64)
                    .filter(|i| i % 8 == k)
                    .map(|i| (i, ctx.embed(&[&texts[i]], EmbedOptions::default()).unwrap().remove(0).data))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for t in threads {
        for (i, v) in t.join().unwrap() {
            assert!(max_abs_diff(&normalize(&v), &normalize(&sequential[i])) <= 2e-4, "text {i}");
        }
    }
}

#[test]
fn closing_while_calls_are_in_flight_never_hangs() {
    let texts = corpus();
    let ctx = Arc::new(context("tiny-llama", ContextParams { n_workers: 1, n_threads: 1, ..Default::default() }));
    let callers: Vec<_> = (0..4)
        .map(|_| {
            let (ctx, texts) = (ctx.clone(), texts.clone());
            std::thread::spawn(move || ctx.embed(&texts, EmbedOptions::default()))
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(5));
    ctx.close();
    for c in callers {
        match c.join().unwrap() {
            Ok(v) => assert_eq!(v.len(), texts.len()),
            Err(e) => assert_eq!(e.code(), ErrorCode::ContextClosed),
        }
    }
}

#[test]
fn submit_returns_at_once_and_every_completion_runs_once_in_shared_batches() {
    let ctx = context("tiny-bert", ContextParams { overflow: OverflowPolicy::TruncateEnd, ..Default::default() });
    let (tx, rx) = std::sync::mpsc::channel();
    for i in 0..300 {
        let tx = tx.clone();
        ctx.submit(vec![format!("short text number {i}")], EmbedOptions::default(), Box::new(move |r| tx.send((i, r)).unwrap()));
    }
    drop(tx);
    let mut seen = vec![0; 300];
    for (i, r) in rx.iter() {
        assert_eq!(r.expect("embedded").len(), 1);
        seen[i] += 1;
    }
    assert!(seen.iter().all(|&n| n == 1), "each completion exactly once");
    let stats = ctx.stats();
    assert_eq!((stats.calls, stats.texts), (300, 300));
    assert!(stats.batches < 75, "300 calls ran as {} batches", stats.batches);
}

#[test]
fn submit_on_a_closed_context_completes_at_once_with_context_closed() {
    let ctx = context("tiny-bert", ContextParams::default());
    ctx.close();
    let (tx, rx) = std::sync::mpsc::channel();
    ctx.submit(vec!["hello".into()], EmbedOptions::default(), Box::new(move |r| tx.send(r.unwrap_err().code()).unwrap()));
    assert_eq!(rx.try_recv().unwrap(), ErrorCode::ContextClosed, "called before submit returned");
}

#[test]
fn per_call_options_overflow_token_budget_and_dimensions() {
    let ctx = context("tiny-bert", ContextParams { n_ctx: 16, ..Default::default() });
    let long = "word ".repeat(40);
    let base = EmbedOptions::default();
    // The context says Error; one call says TruncateEnd, and only that call truncates.
    assert_eq!(ctx.embed(&[long.as_str()], base.clone()).unwrap_err().code(), ErrorCode::InputTooLong);
    let cut = ctx.embed(&[long.as_str()], EmbedOptions { overflow: Some(OverflowPolicy::TruncateEnd), ..base.clone() }).unwrap();
    assert!(cut[0].truncated && cut[0].tokens == 16);
    // A token budget for the whole call fails it before any text runs.
    let before = ctx.stats().batches;
    let e = ctx.embed(&["one two three", "four five six"], EmbedOptions { max_tokens: Some(6), ..base.clone() }).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InputTooLong);
    assert_eq!(ctx.stats().batches, before, "nothing ran");
    assert_eq!(ctx.embed(&["one"], EmbedOptions { max_tokens: Some(0), ..base.clone() }).unwrap_err().code(), ErrorCode::InvalidArgument);
    // Dimensions: the first values, scaled to unit length with normalize.
    let full = ctx.embed(&["hello world"], base.clone()).unwrap().remove(0);
    let short = ctx.embed(&["hello world"], EmbedOptions { dimensions: Some(8), normalize: Some(true), ..base.clone() }).unwrap().remove(0);
    assert_eq!((short.dimension, short.data.len()), (8, 8));
    let expected = normalize(&full.data[..8]);
    assert!(max_abs_diff(&short.data, &expected) < 1e-5);
    let too_many = EmbedOptions { dimensions: Some(full.dimension as u32 + 1), ..base.clone() };
    assert_eq!(ctx.embed(&["hello"], too_many).unwrap_err().code(), ErrorCode::InvalidArgument);
}

#[test]
fn a_named_pipe_is_refused_without_blocking() {
    // Opening a FIFO with no writer blocks forever; the file check must look before it opens.
    let dir = std::env::temp_dir().join(format!("mullama-fifo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("model.gguf");
    let _ = std::fs::remove_file(&fifo);
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let e = Model::load(&fifo).unwrap_err();
    assert_eq!(e.code(), ErrorCode::ModelInvalid, "{e}");
    assert!(e.message().contains("not a regular file"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}
