//! The Rust tab of the docs' Embeddings page (shared/spec/embeddings.md), each example as
//! written, run against the default model `all-minilm`. The file names the examples use
//! (`embedding-model.gguf`, `nomic-embed-text.gguf`) are links to it in a scratch folder.
//! Lines marked `// glue` are not in the docs: they define what an example leaves to the reader.
#![allow(unused_mut, unused_variables)]

use mullama::{store, Context, ContextParams, Model, PoolingStrategy};
use std::sync::{Arc, Once};

type R = Result<(), Box<dyn std::error::Error>>;

fn in_docs_folder() {
    static CHDIR: Once = Once::new();
    CHDIR.call_once(|| {
        let dir = std::env::temp_dir().join(format!("mullama-seed-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let model = store::resolve(store::DEFAULT_MODEL);
        assert!(model.exists(), "{} missing: run scripts/default-model.sh", model.display());
        for name in ["embedding-model.gguf", "nomic-embed-text.gguf"] {
            let _ = std::fs::remove_file(dir.join(name));
            std::os::unix::fs::symlink(&model, dir.join(name)).unwrap();
        }
        std::env::set_current_dir(&dir).unwrap();
    });
}

fn shared_context() -> Result<Context, mullama::Error> {
    in_docs_folder();
    Context::new(Arc::new(Model::load("embedding-model.gguf")?), ContextParams { embeddings: true, ..Default::default() })
}

#[test]
fn basic_embedding_generation() -> R {
    in_docs_folder();
    let model = Arc::new(Model::load("embedding-model.gguf")?);
    let params = ContextParams { embeddings: true, ..Default::default() };
    let mut context = Context::new(model, params)?;

    let embedding = context.get_embedding("Hello, world!")?;
    println!("Dimension: {}", embedding.dimension);
    println!("Vector (first 5): {:?}", &embedding.data[..5]);

    assert_eq!(embedding.dimension, 384); // glue
    Ok(())
}

#[test]
fn pooling_strategies() -> R {
    in_docs_folder();
    let model = Arc::new(Model::load("embedding-model.gguf")?); // glue
    let params = ContextParams { embeddings: true, ..Default::default() };
    let mut context = Context::new(model, params)?;

    // Use mean pooling (default)
    let mean_embed = context.get_embedding_with_pooling(
        "Hello!", PoolingStrategy::Mean
    )?;

    // Use last token pooling (for autoregressive models)
    let last_embed = context.get_embedding_with_pooling(
        "Hello!", PoolingStrategy::Last
    )?;

    assert_eq!(mean_embed.data, context.get_embedding("Hello!")?.data, "mean is the default"); // glue
    assert_ne!(mean_embed.data, last_embed.data); // glue
    Ok(())
}

#[test]
fn batch_embedding() -> R {
    let mut context = shared_context()?; // glue
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
    assert_eq!(embeddings.len(), 4); // glue
    Ok(())
}

#[test]
fn similarity_calculations() -> R {
    let mut context = shared_context()?; // glue
    use mullama::embedding::{cosine_similarity, dot_product};

    let embed1 = context.get_embedding("How do I cook pasta?")?;
    let embed2 = context.get_embedding("What is the recipe for spaghetti?")?;
    let embed3 = context.get_embedding("Tell me about quantum physics")?;

    // Cosine similarity (most common, range: -1 to 1)
    let sim12 = cosine_similarity(&embed1.data, &embed2.data);
    let sim13 = cosine_similarity(&embed1.data, &embed3.data);

    println!("Pasta vs Spaghetti: {:.4}", sim12);  // High similarity
    println!("Pasta vs Quantum: {:.4}", sim13);    // Low similarity

    // Dot product
    let dot12 = dot_product(&embed1.data, &embed2.data);
    println!("Dot product: {:.4}", dot12);

    assert!(sim12 > sim13 + 0.3, "{sim12} vs {sim13}"); // glue
    Ok(())
}

#[test]
fn normalization() -> R {
    let mut context = shared_context()?; // glue
    use mullama::embedding::dot_product; // glue
    use mullama::embedding::normalize;

    let embedding = context.get_embedding("Hello!")?;

    // Normalize to unit vector (L2 norm = 1)
    let normalized = normalize(&embedding.data);

    let normalized_a = normalize(&context.get_embedding("How do I cook pasta?")?.data); // glue
    let normalized_b = normalize(&context.get_embedding("What is the recipe for spaghetti?")?.data); // glue
    // After normalization, dot product equals cosine similarity
    let sim = dot_product(&normalized_a, &normalized_b);

    let cos = mullama::embedding::cosine_similarity(&normalized_a, &normalized_b); // glue
    assert!((sim - cos).abs() < 1e-6); // glue
    assert!((dot_product(&normalized, &normalized) - 1.0).abs() < 1e-5); // glue
    Ok(())
}

/// The docs leave the vector database to the reader; this in-memory one stands in. // glue
struct VectorDb(Vec<(String, Vec<f32>)>); // glue
impl VectorDb {
    fn insert(&mut self, doc: &str, v: &[f32]) -> Result<(), mullama::Error> { self.0.push((doc.to_string(), v.to_vec())); Ok(()) } // glue
    fn search(&self, q: &[f32], k: usize) -> Result<Vec<String>, mullama::Error> { // glue
        let mut scored: Vec<(f32, &String)> = self.0.iter().map(|(d, v)| mullama::embedding::try_cosine_similarity(q, v).map(|s| (s, d))).collect::<Result<_, _>>()?; // glue
        scored.sort_by(|a, b| b.0.total_cmp(&a.0)); // glue
        Ok(scored.into_iter().take(k).map(|(_, d)| d.clone()).collect()) // glue
    } // glue
} // glue

#[test]
fn use_with_vector_databases() -> R {
    in_docs_folder(); // glue
    let mut vector_db = VectorDb(Vec::new()); // glue
    use mullama::{Model, Context, ContextParams};

    let model = Arc::new(Model::load("nomic-embed-text.gguf")?);
    let params = ContextParams { embeddings: true, ..Default::default() };
    let mut context = Context::new(model, params)?;

    let documents = vec![
        "Rust is a systems programming language",
        "Python is great for data science",
        "JavaScript runs in the browser",
    ];

    let embeddings = context.get_embedding_batch(&documents)?;

    // Store in your vector database of choice
    for (doc, emb) in documents.iter().zip(embeddings.iter()) {
        vector_db.insert(doc, &emb.data)?;
    }

    // Query
    let query_embed = context.get_embedding("What language for web?")?;
    let results = vector_db.search(&query_embed.data, 2)?;

    assert_eq!(results.len(), 2); // glue
    assert!(results.iter().all(|r| documents.contains(&r.as_str()))); // glue
    Ok(())
}

#[test]
fn dimension_mismatch_is_a_typed_error_in_the_try_forms() {
    let e = mullama::embedding::try_cosine_similarity(&[1.0, 2.0], &[1.0]).unwrap_err();
    assert_eq!(e.code(), mullama::ErrorCode::DimensionMismatch);
    assert_eq!(e.code().as_str(), "DIMENSION_MISMATCH");
}
