use mullama::Model;
use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let model = Arc::new(Model::load("./all-minilm.gguf")?);

    // --8<-- [start:context]
    use mullama::{Context, ContextParams};

    let context = Context::new(
        model,
        ContextParams {
            embeddings: true,
            n_threads: 2,          // CPU threads (default: every core)
            n_workers: 1,          // worker contexts sharing the model (default: one)
            n_batch: 512,          // token budget of one micro-batch (default: 256)
            flash_attention: true, // false: attention in f32, slower but exact
            ..Default::default()
        },
    )?;

    // `Context` is Sync: threads may call it at once, and their texts share micro-batches
    let questions = ["What is Rust?", "What is Python?", "What is JavaScript?"];
    let dimensions: Vec<usize> = std::thread::scope(|s| {
        let handles: Vec<_> = questions.iter().map(|q| s.spawn(|| context.get_embedding(q).map(|e| e.dimension))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect::<Result<_, _>>()
    })?;
    println!("{dimensions:?}");

    // Running totals: calls, texts, micro-batches run through llama.cpp, tokens
    let stats = context.stats();
    println!("{} calls in {} micro-batches", stats.calls, stats.batches);

    // Stop the workers when done (dropping the context does the same)
    context.close();
    // --8<-- [end:context]

    assert_eq!(dimensions, vec![384, 384, 384]);
    assert!(stats.calls == 3 && (1..=3).contains(&stats.batches));
    Ok(())
}
