//! The Rust side of the peer benchmark (tools/bench-peers/run.py): loads a model once, then
//! answers requests on stdin, one line each, with one JSON line on stdout.
//!
//!     peer_worker MODEL THREADS
//!     run CORPUS BATCH COUNT   embed the first COUNT texts of CORPUS, BATCH per call
//!                              -> {"seconds": S, "texts": N, "tokens": T}
//!     vectors CORPUS COUNT     -> {"vectors": [[...], ...]} (the first COUNT texts, one call)
//!     tokens CORPUS            -> {"tokens": [N, ...]} (each text's tokens, [CLS]/[SEP] included)
//!
//! The timing is taken here, around the calls only, as in every other worker of the harness.

use mullama::{Context, ContextParams, Model};
use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::sync::Arc;
use std::time::Instant;

/// A corpus's non-empty lines, read once per path.
fn corpus<'a>(corpora: &'a mut HashMap<String, Vec<String>>, path: &str) -> &'a [String] {
    corpora.entry(path.to_string()).or_insert_with(|| {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
        text.lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect()
    })
}

fn main() -> mullama::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (model_path, threads) = match args.as_slice() {
        [m, t] => (m.clone(), t.parse::<u32>().expect("THREADS is a number")),
        _ => {
            eprintln!("usage: peer_worker MODEL THREADS");
            std::process::exit(2);
        }
    };
    let model = Arc::new(Model::load(&model_path)?);
    // What a user gets, but for the thread count the harness gives every system alike.
    let context = Context::new(model.clone(), ContextParams { n_threads: threads, ..Default::default() })?;
    let mut corpora: HashMap<String, Vec<String>> = HashMap::new();
    let stdout = std::io::stdout();
    println!("{{\"ready\": true}}");
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("stdin");
        let words: Vec<&str> = line.split_whitespace().collect();
        let reply = match words.as_slice() {
            ["run", path, batch, count] => {
                let lines = corpus(&mut corpora, path);
                let (batch, count): (usize, usize) = (batch.parse().expect("BATCH"), count.parse().expect("COUNT"));
                let chunk = &lines[..count.min(lines.len())];
                let start = Instant::now();
                let mut tokens = 0usize;
                for part in chunk.chunks(batch) {
                    tokens += context.get_embedding_batch(part)?.iter().map(|e| e.tokens).sum::<usize>();
                }
                let secs = start.elapsed().as_secs_f64();
                format!("{{\"seconds\": {secs}, \"texts\": {}, \"tokens\": {tokens}}}", chunk.len())
            }
            ["vectors", path, count] => {
                let lines = corpus(&mut corpora, path);
                let chunk = &lines[..count.parse::<usize>().expect("COUNT").min(lines.len())];
                let rows: Vec<String> = context
                    .get_embedding_batch(chunk)?
                    .iter()
                    .map(|e| format!("[{}]", e.data.iter().map(|x| format!("{x:e}")).collect::<Vec<_>>().join(",")))
                    .collect();
                format!("{{\"vectors\": [{}]}}", rows.join(","))
            }
            ["tokens", path] => {
                let counts: Vec<String> = corpus(&mut corpora, path).iter().map(|t| model.count_tokens(t).map(|n| n.to_string())).collect::<mullama::Result<_>>()?;
                format!("{{\"tokens\": [{}]}}", counts.join(","))
            }
            ["quit"] | [] => break,
            other => panic!("unknown request {other:?}"),
        };
        let mut out = stdout.lock();
        writeln!(out, "{reply}").and_then(|_| out.flush()).expect("stdout");
    }
    Ok(())
}
