fn main() -> Result<(), Box<dyn std::error::Error>> {
    // --8<-- [start:langchain]
    use mullama::embedding::cosine_similarity;
    use mullama::{Context, ContextParams, EmbedOptions, EmbedRole, Model};
    use std::sync::Arc;

    let model = Arc::new(Model::load("./all-minilm.gguf")?);
    let context = Context::new(model, ContextParams { embeddings: true, ..Default::default() })?;

    let documents = [
        "Pasta cooks in a large pot of boiling salted water.",
        "The stock market fell sharply on Monday.",
        "Cats sleep for most of the day.",
        "Rust is a systems programming language.",
    ];
    // What embed_documents and embed_query do: the document role for documents, the query role
    // for the question (the model's own prompts for e5, nomic-embed, bge)
    let as_document = EmbedOptions { role: Some(EmbedRole::Document), ..Default::default() };
    let vectors = context.get_embedding_batch_with_options(&documents, as_document)?;
    let as_query = EmbedOptions { role: Some(EmbedRole::Query), ..Default::default() };
    let query = context.get_embedding_with_options("How do I cook spaghetti?", as_query)?;

    // Rank the documents by cosine similarity to the query
    let mut ranked: Vec<(f32, &str)> =
        vectors.iter().zip(documents).map(|(v, doc)| (cosine_similarity(&query, v), doc)).collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("{}", ranked[0].1); // Pasta cooks in a large pot of boiling salted water.
    // --8<-- [end:langchain]

    assert_eq!(ranked[0].1, documents[0]);
    assert!(ranked[0].0 > ranked[1].0 + 0.1, "{ranked:?}");
    assert_eq!(vectors.len(), 4);
    assert!(vectors.iter().chain([&query]).all(|e| e.dimension == 384 && e.data.len() == 384));
    // all-minilm has no role prompts: the role vectors are its plain ones.
    let plain = context.get_embedding_batch(&documents)?;
    for (v, p) in vectors.iter().zip(&plain) {
        assert_eq!(v.prompt, None);
        v.data.iter().zip(&p.data).for_each(|(a, b)| mullama_docs_snippets::assert_close(*a, *b, 1e-5));
    }
    Ok(())
}
