use mullama::{Context, ContextParams, Model};
use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let model = Arc::new(Model::load("./all-minilm.gguf")?);
    let context = Context::new(model, ContextParams { embeddings: true, ..Default::default() })?;

    // --8<-- [start:similarity]
    use mullama::embedding::{cosine_similarity, dot_product};

    let embed1 = context.get_embedding("How do I cook pasta?")?;
    let embed2 = context.get_embedding("What is the recipe for spaghetti?")?;
    let embed3 = context.get_embedding("Tell me about quantum physics")?;

    // Cosine similarity: the usual measure, from -1 to 1
    let sim12 = cosine_similarity(&embed1.data, &embed2.data);
    let sim13 = cosine_similarity(&embed1.data, &embed3.data);

    println!("Pasta vs Spaghetti: {:.4}", sim12); // high
    println!("Pasta vs Quantum: {:.4}", sim13); // low

    // Dot product: for models trained with it
    let dot12 = dot_product(&embed1.data, &embed2.data);
    println!("Dot product: {:.4}", dot12);
    // --8<-- [end:similarity]

    assert!(sim12 > sim13 + 0.3, "{sim12} vs {sim13}");
    Ok(())
}
