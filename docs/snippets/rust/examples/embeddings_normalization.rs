use mullama::{Context, ContextParams, Model};
use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let model = Arc::new(Model::load("./all-minilm.gguf")?);
    let context = Context::new(model, ContextParams { embeddings: true, ..Default::default() })?;

    // --8<-- [start:normalization]
    use mullama::embedding::{cosine_similarity, dot_product, normalize};
    use mullama::EmbedOptions;

    let a = context.get_embedding("How do I cook pasta?")?;
    let b = context.get_embedding("What is the recipe for spaghetti?")?;

    // Scale to unit length (L2 norm = 1)
    let normalized_a = normalize(&a.data);
    let normalized_b = normalize(&b.data);

    // Between unit vectors, the dot product is the cosine similarity
    println!("{:.4}", dot_product(&normalized_a, &normalized_b)); // same as ...
    println!("{:.4}", cosine_similarity(&a.data, &b.data));

    // Or ask for unit vectors straight away
    let unit = context.get_embedding_with_options("Hello!", EmbedOptions { normalize: Some(true), ..Default::default() })?;
    // --8<-- [end:normalization]

    let norm = unit.data.iter().map(|x| x * x).sum::<f32>().sqrt();
    mullama_docs_snippets::assert_close(norm, 1.0, 1e-5);
    mullama_docs_snippets::assert_close(dot_product(&normalized_a, &normalized_b), cosine_similarity(&a.data, &b.data), 1e-5);
    Ok(())
}
