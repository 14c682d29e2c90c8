fn main() -> Result<(), Box<dyn std::error::Error>> {
    // --8<-- [start:vector_db]
    use mullama::embedding::dot_product;
    use mullama::{Context, ContextParams, Model};
    use std::sync::Arc;

    let model = Arc::new(Model::load("./all-minilm.gguf")?);
    // Unit vectors: a dot product is then the cosine similarity
    let params = ContextParams { embeddings: true, normalize: Some(true), ..Default::default() };
    let context = Context::new(model, params)?;

    let documents = vec![
        "Rust is a systems programming language",
        "Python is great for data science",
        "JavaScript runs in the browser",
    ];

    let embeddings = context.get_embedding_batch(&documents)?;

    // Store: here an in-memory list; a vector database takes the same (id, vector, text)
    let store: Vec<(usize, Vec<f32>, &str)> =
        embeddings.into_iter().zip(&documents).enumerate().map(|(id, (e, doc))| (id, e.data, *doc)).collect();

    // Query: the two nearest documents
    let query_embed = context.get_embedding("Which language runs in a web browser?")?;
    let mut results: Vec<(f32, &str)> = store.iter().map(|(_, v, doc)| (dot_product(&query_embed.data, v), *doc)).collect();
    results.sort_by(|a, b| b.0.total_cmp(&a.0));
    results.truncate(2);
    println!("{results:?}");
    // --8<-- [end:vector_db]

    assert_eq!(results[0].1, "JavaScript runs in the browser");
    Ok(())
}
