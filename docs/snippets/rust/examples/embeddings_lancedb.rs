fn main() -> Result<(), Box<dyn std::error::Error>> {
    // --8<-- [start:lancedb]
    use mullama::embedding::dot_product;
    use mullama::{Context, ContextParams, EmbedOptions, EmbedRole, Model};
    use std::collections::HashMap;
    use std::sync::Arc;

    let model = Arc::new(Model::load("./all-minilm.gguf")?);
    // Unit vectors: a dot product is then the cosine similarity
    let params = ContextParams { embeddings: true, normalize: Some(true), ..Default::default() };
    let context = Context::new(model.clone(), params)?;

    let documents = ["Rust is a systems programming language", "Python is great for data science", "JavaScript runs in the browser"];
    let as_document = EmbedOptions { role: Some(EmbedRole::Document), ..Default::default() };
    let embeddings = context.get_embedding_batch_with_options(&documents, as_document)?;

    // What a LanceDB table holds: rows of (id, text, a vector of `info().dimension` floats) and,
    // in its schema's metadata, the model's fingerprint and the vectors' space; here in memory
    struct Row {
        id: String,
        text: &'static str,
        vector: Vec<f32>,
    }
    let metadata = HashMap::from([("fingerprint", model.info().fingerprint.clone()), ("space", embeddings[0].space.clone())]);
    let rows: Vec<Row> = embeddings
        .into_iter()
        .zip(documents)
        .enumerate()
        .map(|(i, (e, text))| Row { id: format!("doc_{i}"), text, vector: e.data })
        .collect();

    // Query
    let as_query = EmbedOptions { role: Some(EmbedRole::Query), ..Default::default() };
    let query_embed = context.get_embedding_with_options("Which language runs in a web browser?", as_query)?;
    // Vectors of another model or other settings are not comparable, yet a search would still
    // rank them: check the table's space before searching
    if metadata["space"] != query_embed.space {
        return Err(format!("the table holds space {}, the query is in {}", metadata["space"], query_embed.space).into());
    }
    let mut results: Vec<(f32, &Row)> = rows.iter().map(|row| (dot_product(&query_embed.data, &row.vector), row)).collect();
    results.sort_by(|a, b| b.0.total_cmp(&a.0));
    results.truncate(2);
    for (score, row) in &results {
        println!("{} {score:.4} {}", row.id, row.text);
    }
    // --8<-- [end:lancedb]

    assert_eq!((results[0].1.id.as_str(), results[0].1.text), ("doc_2", "JavaScript runs in the browser"));
    assert_eq!(metadata["fingerprint"], model.info().fingerprint);
    assert_eq!(metadata["space"], query_embed.space);
    assert!(rows.iter().all(|row| row.vector.len() == 384));
    // The check refuses what it should: shorter vectors are another space.
    let short = EmbedOptions { dimensions: Some(128), ..Default::default() };
    assert_ne!(context.get_embedding_with_options("Which language runs in a web browser?", short)?.space, metadata["space"]);
    Ok(())
}
