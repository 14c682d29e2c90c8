fn main() -> Result<(), Box<dyn std::error::Error>> {
    // --8<-- [start:token-vectors]
    use mullama::{Context, ContextParams, EmbedOptions, Model, TokenEmbeddings, TokenInfo};
    use std::sync::Arc;

    let model = Arc::new(Model::load("./all-minilm.gguf")?);
    let text = "Hello, wörld!";

    // Each token with the bytes of the text it covers
    let info: Vec<TokenInfo> = model.tokenize_with_offsets(text)?;
    for t in &info {
        let covers = match (t.start, t.stop) {
            (Some(a), Some(b)) => &text[a..b],
            _ => "(special)",
        };
        println!("{} {} {covers}", t.id, t.text);
    }

    // Every token's vector, unpooled
    let context = Context::new(model, ContextParams { embeddings: true, ..Default::default() })?;
    let options = EmbedOptions { normalize: Some(true), ..Default::default() };
    let tokens: TokenEmbeddings = context.get_token_embeddings(&[text], options)?.remove(0);
    println!("{} tokens x {} values", tokens.tokens, tokens.dimension);
    let rows: Vec<&[f32]> = tokens.data.chunks(tokens.dimension).collect(); // one per token
    // --8<-- [end:token-vectors]

    // Not shown on the page: what the docs test asserts.
    assert_eq!(info.len(), tokens.tokens);
    assert_eq!(rows.len(), tokens.tokens);
    assert_eq!(&text[info[3].start.unwrap()..info[3].stop.unwrap()], "wörld");
    assert!(rows.iter().all(|r| (r.iter().map(|x| x * x).sum::<f32>().sqrt() - 1.0).abs() < 1e-4));
    assert!(tokens.input_tokens == tokens.tokens && !tokens.truncated);
    Ok(())
}
