fn main() -> Result<(), Box<dyn std::error::Error>> {
    // --8<-- [start:convert]
    use mullama::{convert_model, ConvertOptions};

    // A cross-encoder's Hugging Face folder, e.g. cross-encoder/ms-marco-MiniLM-L6-v2
    let report = convert_model("./ms-marco-MiniLM-L6-v2", "./ms-marco-minilm.gguf", ConvertOptions::default())?;
    println!("Reranker: {} ({} tensors)", report.is_reranker, report.tensors); // true
    // --8<-- [end:convert]

    // --8<-- [start:rerank]
    use mullama::{Context, ContextParams, Model, RankOptions, RankResult};
    use std::sync::Arc;

    // A cross-encoder converted with `mullama convert` (see "Converting a reranker" below)
    let reranker = Arc::new(Model::load("./ms-marco-minilm.gguf")?);
    println!("Reranker: {}", reranker.info().is_reranker); // true

    let context = Context::new(reranker, ContextParams { embeddings: true, ..Default::default() })?;
    let query = "How many people live in Berlin?";
    let documents = [
        "Berlin is well known for its museums.",
        "Berlin had a population of 3,520,031 registered inhabitants.",
        "New York City is famous for the Metropolitan Museum of Art.",
    ];

    // Every document scored against the query, most relevant first
    let options = RankOptions { top_n: Some(2), return_documents: true, ..Default::default() };
    let results: Vec<RankResult> = context.rank(query, &documents, options)?;
    for r in &results {
        println!("{:.4} (logit {:.2}) #{}: {}", r.score, r.logit, r.index, r.document.as_deref().unwrap_or(""));
    }
    // --8<-- [end:rerank]

    // Not shown on the page: what the docs test asserts.
    assert_eq!(results.len(), 2);
    assert!(results[0].logit >= results[1].logit);
    assert_eq!(results[0].document.as_deref(), Some(documents[results[0].index]));
    let all = context.rank(query, &documents, RankOptions::default())?;
    assert_eq!(all[0].index, results[0].index);
    assert_eq!(context.get_embedding("Berlin").unwrap_err().code(), mullama::ErrorCode::ModelUnsupported);
    Ok(())
}
