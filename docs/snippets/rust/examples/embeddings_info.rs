fn main() -> Result<(), Box<dyn std::error::Error>> {
    // --8<-- [start:info]
    use mullama::embedding::try_cosine_similarity;
    use mullama::{Context, ContextParams, ErrorCode, Model};
    use std::sync::Arc;

    let model = Arc::new(Model::load("./all-minilm.gguf")?);
    let info = model.info();
    println!("{}: {} dimensions, {} tokens, {:?} pooling", info.architecture, info.dimension, info.context_length, info.native_pooling);

    // Vectors of different lengths cannot be compared: a typed error (`cosine_similarity` gives NaN)
    let context = Context::new(model.clone(), ContextParams { embeddings: true, ..Default::default() })?;
    let query = context.get_embedding("Hello!")?;
    let truncated = &query.data[..256]; // as if from a 256-dimension model
    match try_cosine_similarity(&query.data, truncated) {
        Err(err) if err.code() == ErrorCode::DimensionMismatch => println!("Cannot compare: {err}"),
        other => println!("{other:?}"),
    }
    // --8<-- [end:info]

    assert_eq!(info.dimension, 384);
    assert_eq!(info.architecture, "bert");
    assert_eq!(try_cosine_similarity(&query.data, truncated).unwrap_err().code(), ErrorCode::DimensionMismatch);
    Ok(())
}
