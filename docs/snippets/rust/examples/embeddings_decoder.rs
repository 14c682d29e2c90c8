fn main() -> Result<(), Box<dyn std::error::Error>> {
    // --8<-- [start:decoder]
    use mullama::{Context, ContextParams, Model, PoolingStrategy};
    use std::sync::Arc;

    // A decoder-only LLM (SmolLM2-135M, llama architecture) declares no pooling of its own
    let llm = Arc::new(Model::load("./smollm2-135m.gguf")?);
    let info = llm.info();
    println!("{}, encoder: {}, pooling: {:?}", info.architecture, info.is_encoder, info.native_pooling);

    // Its last token has read the whole text: the usual vector for decoders
    let params = ContextParams { embeddings: true, pooling: Some(PoolingStrategy::Last), ..Default::default() };
    let context = Context::new(llm.clone(), params)?;
    let embedding = context.get_embedding("Hello!")?;
    println!("Dimension: {}", embedding.dimension);
    // --8<-- [end:decoder]

    assert!(!llm.info().is_encoder);
    assert_eq!(llm.info().native_pooling, None);
    assert_eq!(embedding.dimension, 576);
    let err = context.get_embedding_with_pooling("Hello!", PoolingStrategy::Native).unwrap_err();
    assert_eq!(err.code(), mullama::ErrorCode::PoolingUnsupported);
    Ok(())
}
