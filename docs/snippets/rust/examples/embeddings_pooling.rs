use mullama::embedding::cosine_similarity;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // --8<-- [start:pooling]
    use mullama::{Context, ContextParams, Model, PoolingStrategy};
    use std::sync::Arc;

    let model = Arc::new(Model::load("./all-minilm.gguf")?);
    let params = ContextParams { embeddings: true, ..Default::default() };
    let context = Context::new(model.clone(), params.clone())?;

    // Mean pooling is the default
    let mean_embed = context.get_embedding_with_pooling("Hello!", PoolingStrategy::Mean)?;

    // The last token's vector: the usual choice for decoder-only models
    let last_embed = context.get_embedding_with_pooling("Hello!", PoolingStrategy::Last)?;

    // Whatever the model declares in its GGUF metadata
    println!("all-minilm declares: {:?}", model.info().native_pooling);
    let native_embed = context.get_embedding_with_pooling("Hello!", PoolingStrategy::Native)?;

    // Or choose once, for every call on a context
    let cls_context = Context::new(model.clone(), ContextParams { pooling: Some(PoolingStrategy::First), ..params })?;
    let cls_embed = cls_context.get_embedding("Hello!")?;
    // --8<-- [end:pooling]

    assert_eq!(model.info().native_pooling, Some(PoolingStrategy::Mean));
    assert!(cosine_similarity(&mean_embed.data, &native_embed.data) > 0.99999);
    assert!(cosine_similarity(&mean_embed.data, &last_embed.data) < 0.999);
    assert!(cosine_similarity(&mean_embed.data, &cls_embed.data) < 0.999);
    Ok(())
}
