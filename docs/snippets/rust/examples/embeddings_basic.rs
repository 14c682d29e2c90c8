fn main() -> Result<(), Box<dyn std::error::Error>> {
    // --8<-- [start:basic]
    use mullama::{Context, ContextParams, Model};
    use std::sync::Arc;

    let model = Arc::new(Model::load("./all-minilm.gguf")?);
    let params = ContextParams { embeddings: true, ..Default::default() };
    let context = Context::new(model, params)?;

    let embedding = context.get_embedding("Hello, world!")?;
    println!("Dimension: {}", embedding.dimension);
    println!("Vector (first 5): {:?}", &embedding.data[..5]);
    // --8<-- [end:basic]

    // Not shown on the page: what the docs test asserts.
    assert_eq!(embedding.dimension, 384);
    assert_eq!(embedding.data.len(), 384);
    Ok(())
}
