//! Throughput benchmark of the Rust core: texts/s, tokens/s and peak RSS per batch size and
//! corpus, printed beside the CPU column of the docs' batch table. Figures, not a pass/fail.
//!
//!     cargo run --release -p mullama-core --bin mullama-bench -- [--model NAME|PATH]
//!         [--corpus FILE]... [--batch 1,8,32,128,256] [--texts N] [--threads N] [--workers N]

use mullama_core::{store, Context, ContextParams, EmbedOptions, Model};
use std::sync::Arc;
use std::time::Instant;

/// The CPU column the seed page (shared/spec/embeddings.md) claims, in texts/s, shown beside ours.
/// Our own figures, for the docs site, come from docs/scripts/bench-table.mjs --run.
const SEED_CPU: [(usize, &str); 5] = [(1, "~10"), (8, "~60"), (32, "~150"), (128, "~200"), (256, "~210")];

const USAGE: &str = "usage: mullama-bench [--model NAME|PATH] [--corpus FILE]... [--batch 1,8,32,128,256] [--texts N]\n                     [--threads N] [--workers N] [--n-batch TOKENS] [--n-ctx TOKENS] [--no-flash-attention]";

struct Args {
    model: String,
    corpora: Vec<String>,
    batches: Vec<usize>,
    texts: usize,
    params: ContextParams,
}

fn parse_args() -> Args {
    let mut a = Args {
        model: store::DEFAULT_MODEL.into(),
        corpora: vec![],
        batches: vec![1, 8, 32, 128, 256],
        texts: 1024,
        params: ContextParams::default(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--model" => a.model = val(),
            "--corpus" => a.corpora.push(val()),
            "--batch" => a.batches = val().split(',').map(|b| b.trim().parse().expect("batch size")).collect(),
            "--texts" => a.texts = val().parse().expect("text count"),
            "--threads" => a.params.n_threads = val().parse().expect("thread count"),
            "--workers" => a.params.n_workers = val().parse().expect("worker count"),
            "--n-batch" => a.params.n_batch = val().parse().expect("token budget"),
            "--n-ctx" => a.params.n_ctx = val().parse().expect("token count"),
            "--no-flash-attention" => a.params.flash_attention = false,
            "--help" | "-h" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => {
                eprintln!("mullama-bench: unknown flag {other}\n{USAGE}");
                std::process::exit(2);
            }
        }
    }
    if a.corpora.is_empty() {
        let shared = std::env::var("MULLAMA_SHARED").unwrap_or_else(|_| "../shared".into());
        a.corpora = vec![format!("{shared}/bench/corpus-short.txt"), format!("{shared}/bench/corpus-mixed.txt")];
    }
    a
}

/// Peak resident set size since the last reset, in MiB (Linux; 0 elsewhere).
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok());
    kib.unwrap_or(0.0) / 1024.0
}

/// Resets the kernel's peak-RSS mark so each row reports its own peak.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn main() -> mullama_core::Result<()> {
    let mut args = parse_args();
    let path = store::resolve(&args.model);
    let model = Arc::new(Model::load(&path)?);
    // The whole position table unless asked: peers (llama-server, Ollama) embed up to it, and
    // the corpora hold texts past all-minilm's 256-token sentence-transformers length.
    if args.params.n_ctx == 0 {
        args.params.n_ctx = model.info().context_length as u32;
    }
    let context = Context::new(model.clone(), args.params.clone())?;
    let s = context.settings();
    println!(
        "mullama-core bench: model {} ({}, {} dims), {} workers x {} threads, batch budget {} tokens",
        path.display(),
        model.info().architecture,
        model.info().dimension,
        s.n_workers,
        s.threads_per_worker,
        s.batch_tokens
    );
    for corpus in &args.corpora {
        let text = std::fs::read_to_string(corpus).unwrap_or_else(|e| panic!("cannot read {corpus}: {e}"));
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        println!("\ncorpus {corpus} ({} texts)", lines.len());
        println!("{:>6} {:>8} {:>10} {:>12} {:>14} {:>10}", "batch", "texts", "texts/s", "tokens/s", "peak RSS MiB", "seed page");
        // Warm-up: first contexts, page-in of the weights.
        context.embed(&lines[..lines.len().min(64)], EmbedOptions::default())?;
        for &batch in &args.batches {
            // Batch 1 is slow by nature; fewer texts keep the run short without changing the rate.
            let n = if batch == 1 { args.texts.min(256) } else { args.texts }.min(lines.len());
            reset_peak_rss();
            let start = Instant::now();
            let mut tokens = 0usize;
            for chunk in lines[..n].chunks(batch) {
                tokens += context.embed(chunk, EmbedOptions::default())?.iter().map(|e| e.tokens).sum::<usize>();
            }
            let secs = start.elapsed().as_secs_f64();
            let docs = SEED_CPU.iter().find(|(b, _)| *b == batch).map_or("", |(_, v)| v);
            println!("{batch:>6} {n:>8} {:>10.1} {:>12.0} {:>14.1} {docs:>10}", n as f64 / secs, tokens as f64 / secs, peak_rss_mib());
        }
    }
    Ok(())
}
