use mullama::embedding::cosine_similarity;
use mullama::{Context, ContextParams, Model};
use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // --8<-- [start:index]
    let articles = [
        "How to bake sourdough bread at home",
        "A beginner guide to sourdough baking",
        "Training for your first marathon",
        "Ten stretches for runners",
        "Getting started with Rust ownership and borrowing",
        "Understanding the borrow checker in Rust",
        "Planting tomatoes in spring",
        "Why your tomato leaves turn yellow",
    ];

    let model = Arc::new(Model::load("./all-minilm.gguf")?);
    let context = Context::new(model, ContextParams { embeddings: true, normalize: Some(true), ..Default::default() })?;
    let vectors: Vec<Vec<f32>> = context.get_embedding_batch(&articles)?.into_iter().map(|e| e.data).collect();

    // Keep the index on disk: little-endian f32 rows, one row an article
    let bytes: Vec<u8> = vectors.iter().flatten().flat_map(|x| x.to_le_bytes()).collect();
    std::fs::write("index.f32", bytes)?;
    // --8<-- [end:index]

    // --8<-- [start:search]
    use mullama::embedding::dot_product;

    let bytes = std::fs::read("index.f32")?;
    let floats: Vec<f32> = bytes.chunks_exact(4).map(|b| f32::from_le_bytes(b.try_into().unwrap())).collect();
    let stored: Vec<&[f32]> = floats.chunks(context.model().info().dimension).collect();

    let search = |query: &str, k: usize| -> mullama::Result<Vec<(f32, &str)>> {
        let q = context.get_embedding(query)?.data;
        let mut hits: Vec<(f32, &str)> = stored.iter().zip(articles).map(|(v, text)| (dot_product(&q, v), text)).collect();
        hits.sort_by(|a, b| b.0.total_cmp(&a.0));
        hits.truncate(k);
        Ok(hits)
    };

    for (score, text) in search("help with my vegetable garden", 3)? {
        println!("{score:.3}  {text}");
    }
    // --8<-- [end:search]

    // --8<-- [start:duplicates]
    // Near-duplicates: pairs whose similarity passes a threshold tuned on your data
    let threshold = 0.7;
    for i in 0..stored.len() {
        for j in i + 1..stored.len() {
            let similarity = cosine_similarity(stored[i], stored[j]);
            if similarity >= threshold {
                println!("{similarity:.3}  \"{}\" ~ \"{}\"", articles[i], articles[j]);
            }
        }
    }
    // --8<-- [end:duplicates]

    let hits = search("help with my vegetable garden", 2)?;
    assert!(hits.iter().all(|(_, text)| text.contains("omato")), "{hits:?}");
    assert!(search("learning Rust", 1)?[0].1.contains("Rust"));
    assert!(cosine_similarity(stored[0], stored[1]) >= threshold && cosine_similarity(stored[0], stored[2]) < threshold);
    Ok(())
}
