fn main() -> Result<(), Box<dyn std::error::Error>> {
    // --8<-- [start:spaces]
    use mullama::embedding::{cosine_similarity, try_cosine_similarity};
    use mullama::{Context, ContextParams, EmbedOptions, ErrorCode, Model};
    use std::sync::Arc;

    let model = Arc::new(Model::load("./all-minilm.gguf")?);
    let context = Context::new(model.clone(), ContextParams { embeddings: true, ..Default::default() })?;

    // The space: the weights' fingerprint and every option that shapes the vector.
    // Store it with an index, and check each query against it.
    println!("{}", model.info().fingerprint); // d8da3bd4d5c13156
    let doc = context.get_embedding("Boil water, add salt and the spaghetti.")?;
    let query = context.get_embedding("How do I cook pasta?")?;
    println!("{} {:.4}", doc.space == query.space, cosine_similarity(&query, &doc)); // true 0.6524

    // Other dimensions (or a prompt, pooling, precision, model...) make another space
    let opts = EmbedOptions { dimensions: Some(128), ..Default::default() };
    let short = context.get_embedding_with_options("How do I cook pasta?", opts)?;
    println!("{}", short.space == doc.space); // false
    match try_cosine_similarity(&short, &doc) {
        Err(err) if err.code() == ErrorCode::SpaceMismatch => println!("{:?}", err.code()), // SpaceMismatch
        other => println!("{other:?}"),
    }
    println!("{}", cosine_similarity(&short, &doc)); // NaN
                                                     // --8<-- [end:spaces]

    let hex16 = |s: &str| s.len() == 16 && s.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    assert!(hex16(&model.info().fingerprint), "{}", model.info().fingerprint);
    assert!(hex16(&doc.space), "{}", doc.space);
    assert_eq!(doc.space, query.space);
    assert!(cosine_similarity(&query, &doc) > 0.5);
    assert_ne!(short.space, doc.space);
    assert_eq!(try_cosine_similarity(&short, &doc).unwrap_err().code(), ErrorCode::SpaceMismatch);
    assert!(cosine_similarity(&short, &doc).is_nan());
    // A prompt changes the space even at the same length; the plain vectors are still comparable.
    let prompted = context
        .get_embedding_with_options("How do I cook pasta?", EmbedOptions { prompt: Some("query: ".into()), ..Default::default() })?;
    assert_ne!(prompted.space, query.space);
    assert_eq!(mullama::embedding::try_dot_product(&prompted, &doc).unwrap_err().code(), ErrorCode::SpaceMismatch);
    assert!(cosine_similarity(&prompted.data, &doc.data) > 0.0);
    // The same options give the same space in a new context, and on a reloaded model.
    let again = Context::new(Arc::new(Model::load("./all-minilm.gguf")?), ContextParams { embeddings: true, ..Default::default() })?;
    assert_eq!(again.get_embedding("Anything at all.")?.space, doc.space);
    Ok(())
}
