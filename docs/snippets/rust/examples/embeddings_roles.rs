fn main() -> Result<(), Box<dyn std::error::Error>> {
    // --8<-- [start:roles]
    use mullama::{Context, ContextParams, EmbedOptions, EmbedRole, Model};
    use std::sync::Arc;

    let model = Arc::new(Model::load("./all-minilm.gguf")?);
    let context = Context::new(model.clone(), ContextParams { embeddings: true, ..Default::default() })?;

    // Retrieval models (e5, nomic-embed, bge...) want a prompt before queries and documents;
    // the role puts the model's own one there. all-minilm is symmetric: it has none.
    println!("{:?} {:?}", model.info().query_prompt, model.info().document_prompt); // None None
    let as_query = EmbedOptions { role: Some(EmbedRole::Query), ..Default::default() };
    let query = context.get_embedding_with_options("how do I cook pasta?", as_query)?;
    let as_document = EmbedOptions { role: Some(EmbedRole::Document), ..Default::default() };
    let docs = context.get_embedding_batch_with_options(&["Boil water, add salt and the spaghetti."], as_document)?;

    // A prompt of your own: it goes before the text and counts in its tokens
    let own = EmbedOptions { prompt: Some("query: ".into()), ..Default::default() };
    let prompted = context.get_embedding_with_options("how do I cook pasta?", own)?;
    println!("{:?} {}", prompted.prompt, prompted.tokens); // Some("query: ") 10
    // --8<-- [end:roles]

    assert_eq!((query.prompt, docs[0].prompt.clone()), (None, None));
    assert_eq!(prompted.prompt.as_deref(), Some("query: "));
    assert_eq!(prompted.tokens, model.count_tokens("query: how do I cook pasta?")?);
    assert_eq!(prompted.data, context.get_embedding("query: how do I cook pasta?")?.data);
    Ok(())
}
