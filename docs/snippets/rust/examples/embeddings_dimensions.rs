fn main() -> Result<(), Box<dyn std::error::Error>> {
    // --8<-- [start:dimensions]
    use mullama::{Context, ContextParams, EmbedOptions, Model};
    use std::sync::Arc;

    let model = Arc::new(Model::load("./all-minilm.gguf")?);
    let context = Context::new(model, ContextParams { embeddings: true, ..Default::default() })?;

    // Keep the first 128 of 384 values; with normalize the short vector is unit length again
    let opts = EmbedOptions { dimensions: Some(128), normalize: Some(true), ..Default::default() };
    let short = context.get_embedding_with_options("Hello, world!", opts)?;
    println!("{} {}", short.dimension, short.data.len()); // 128 128

    // More than the model has is an error, not a silent full-length vector
    let too_many = EmbedOptions { dimensions: Some(1024), ..Default::default() };
    if let Err(err) = context.get_embedding_with_options("Hello, world!", too_many) {
        println!("{:?}", err.code()); // InvalidArgument
    }
    // --8<-- [end:dimensions]

    assert_eq!(short.dimension, 128);
    let norm = short.data.iter().map(|x| x * x).sum::<f32>().sqrt();
    assert!((norm - 1.0).abs() < 1e-5, "norm {norm}");
    // The short vector is the full one's first 128 values, scaled to unit length.
    let raw = EmbedOptions { normalize: Some(false), ..Default::default() };
    let full = context.get_embedding_with_options("Hello, world!", raw)?;
    let head = &full.data[..128];
    let head_norm = head.iter().map(|x| x * x).sum::<f32>().sqrt();
    assert!(head.iter().zip(&short.data).all(|(x, s)| (x / head_norm - s).abs() < 1e-5));
    let over = EmbedOptions { dimensions: Some(385), ..Default::default() };
    let err = context.get_embedding_with_options("x", over).unwrap_err();
    assert_eq!(err.code(), mullama::ErrorCode::InvalidArgument);
    assert!(err.to_string().contains("1 to 384"), "{err}");
    Ok(())
}
