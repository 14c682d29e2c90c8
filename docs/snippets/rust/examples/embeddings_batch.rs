use mullama::{Context, ContextParams, Model};
use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let model = Arc::new(Model::load("./all-minilm.gguf")?);
    let context = Context::new(model, ContextParams { embeddings: true, ..Default::default() })?;

    // --8<-- [start:batch]
    let texts = vec![
        "The quick brown fox jumps over the lazy dog",
        "Machine learning is a subset of artificial intelligence",
        "Rust is a systems programming language",
        "Python is popular for data science",
    ];

    let embeddings = context.get_embedding_batch(&texts)?;

    for (text, emb) in texts.iter().zip(embeddings.iter()) {
        println!("\"{}...\" -> dim {}", &text[..30], emb.dimension);
    }
    // --8<-- [end:batch]

    assert_eq!(embeddings.len(), 4);
    // A batch gives the same vectors as one call per text (to float rounding).
    let alone = context.get_embedding(texts[2])?;
    assert!(embeddings[2].data.iter().zip(&alone.data).all(|(a, b)| (a - b).abs() < 1e-3));
    Ok(())
}
