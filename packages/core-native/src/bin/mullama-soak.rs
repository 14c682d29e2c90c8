//! Soak benchmark of the Rust core: embeds corpus texts in batches, many times over, and prints
//! the process RSS every `--every` embeddings, so that a leak shows as RSS that keeps growing
//! after the warm-up. Figures, not a pass/fail (run by scripts/bench-soak.sh, not by the tests).
//!
//!     cargo build --release -p mullama-core --bin mullama-soak
//!     target/x86_64-unknown-linux-gnu/release/mullama-soak [--model NAME|PATH] [--corpus FILE]
//!         [--total 100000] [--every 10000] [--batch 64] [--warmup 5000] [--threads N] [--contexts N]
//!
//! With `--contexts N` it then opens, uses and closes N more contexts on the same model and
//! prints RSS before and after (a leak check of `Context::close`).

use mullama_core::{store, Context, ContextParams, EmbedOptions, Model};
use std::sync::Arc;
use std::time::Instant;

const USAGE: &str = "usage: mullama-soak [--model NAME|PATH] [--corpus FILE] [--total N] [--every N] [--batch N]\n                    [--warmup N] [--threads N] [--contexts N]";

/// RSS growth after the warm-up that still counts as flat: allocator arenas and page-cache noise
/// move RSS by a few MiB; a leak of even a few bytes per text grows past this over 100k texts.
const FLAT_MIB: f64 = 10.0;

struct Args {
    model: String,
    corpus: String,
    total: usize,
    every: usize,
    batch: usize,
    warmup: usize,
    contexts: usize,
    params: ContextParams,
}

fn parse_args() -> Args {
    let shared = std::env::var("MULLAMA_SHARED").unwrap_or_else(|_| "../shared".into());
    let mut a = Args {
        model: store::DEFAULT_MODEL.into(),
        corpus: format!("{shared}/bench/corpus-short.txt"),
        total: 100_000,
        every: 10_000,
        batch: 64,
        warmup: 5_000,
        contexts: 0,
        params: ContextParams::default(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        let mut num = |what: &str| val().parse::<usize>().unwrap_or_else(|_| panic!("{flag}: {what} expected"));
        match flag.as_str() {
            "--model" => a.model = val(),
            "--corpus" => a.corpus = val(),
            "--total" => a.total = num("an embedding count"),
            "--every" => a.every = num("an embedding count").max(1),
            "--batch" => a.batch = num("a batch size").max(1),
            "--warmup" => a.warmup = num("an embedding count"),
            "--contexts" => a.contexts = num("a context count"),
            "--threads" => a.params.n_threads = num("a thread count") as u32,
            "--help" | "-h" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => {
                eprintln!("mullama-soak: unknown flag {other}\n{USAGE}");
                std::process::exit(2);
            }
        }
    }
    a
}

/// A field of /proc/self/status (VmRSS: now, VmHWM: peak), in MiB; 0 where there is none.
fn status_mib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status.lines().find(|l| l.starts_with(field)).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok());
    kib.unwrap_or(0.0) / 1024.0
}

/// Embeds `n` texts taken round-robin from `lines` starting at `*cursor`, `batch` per call.
fn embed_n(ctx: &Context, lines: &[&str], cursor: &mut usize, n: usize, batch: usize) -> mullama_core::Result<()> {
    let mut left = n;
    let mut chunk: Vec<&str> = Vec::with_capacity(batch);
    while left > 0 {
        chunk.clear();
        for _ in 0..batch.min(left) {
            chunk.push(lines[*cursor % lines.len()]);
            *cursor += 1;
        }
        let out = ctx.embed(&chunk, EmbedOptions::default())?;
        assert_eq!(out.len(), chunk.len(), "one vector per text");
        left -= chunk.len();
    }
    Ok(())
}

fn main() -> mullama_core::Result<()> {
    let args = parse_args();
    let path = store::resolve(&args.model);
    let model = Arc::new(Model::load(&path)?);
    let text = std::fs::read_to_string(&args.corpus).unwrap_or_else(|e| panic!("cannot read {}: {e}", args.corpus));
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty(), "{} has no texts", args.corpus);

    let ctx = Context::new(model.clone(), args.params.clone())?;
    let s = ctx.settings();
    println!(
        "mullama-core soak: model {} ({} dims), {} workers x {} threads; corpus {} ({} texts), {} texts a call",
        path.display(),
        model.info().dimension,
        s.n_workers,
        s.threads_per_worker,
        args.corpus,
        lines.len(),
        args.batch
    );
    println!("warm-up: {} embeddings, then RSS every {} up to {}", args.warmup, args.every, args.total);

    let mut cursor = 0usize;
    embed_n(&ctx, &lines, &mut cursor, args.warmup, args.batch)?;

    println!("{:>10} {:>9} {:>10} {:>9}", "embeddings", "RSS MiB", "delta MiB", "texts/s");
    let first = status_mib("VmRSS:");
    println!("{:>10} {:>9.1} {:>+10.1} {:>9}", 0, first, 0.0, "-");
    let (mut done, mut last) = (0usize, first);
    while done < args.total {
        let n = args.every.min(args.total - done);
        let start = Instant::now();
        embed_n(&ctx, &lines, &mut cursor, n, args.batch)?;
        let secs = start.elapsed().as_secs_f64();
        done += n;
        last = status_mib("VmRSS:");
        println!("{done:>10} {last:>9.1} {:>+10.1} {:>9.1}", last - first, n as f64 / secs);
    }
    ctx.close();
    let growth = last - first;
    println!("peak RSS (VmHWM): {:.1} MiB", status_mib("VmHWM:"));
    println!("RSS growth after warm-up: {growth:.1} MiB (flat within {FLAT_MIB} MiB: {})", if growth.abs() <= FLAT_MIB { "yes" } else { "no" });

    if args.contexts > 0 {
        // Each context does one call so that its workers really create their llama.cpp contexts
        // (and buffers); one cycle first so that what is allocated once per process is not counted.
        let cycle = || -> mullama_core::Result<()> {
            let c = Context::new(model.clone(), args.params.clone())?;
            c.embed(&lines[..lines.len().min(8)], EmbedOptions::default())?;
            c.close();
            Ok(())
        };
        cycle()?;
        let before = status_mib("VmRSS:");
        for _ in 0..args.contexts {
            cycle()?;
        }
        let after = status_mib("VmRSS:");
        println!(
            "contexts: {} opened, used and closed: RSS {before:.1} -> {after:.1} MiB ({:+.1} MiB, {:+.0} KiB per context)",
            args.contexts,
            after - before,
            (after - before) * 1024.0 / args.contexts as f64
        );
    }
    Ok(())
}
