use mullama::Model;
use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let model = Arc::new(Model::load("./all-minilm.gguf")?);

    // --8<-- [start:errors]
    use mullama::{Context, ContextParams, ErrorCode, OverflowPolicy};

    let long_text = "All work and no play makes Jack a dull boy. ".repeat(100);

    // Keep the first 128 tokens and say so, instead of failing
    let lenient = Context::new(
        model.clone(),
        ContextParams { embeddings: true, n_ctx: 128, overflow: OverflowPolicy::TruncateEnd, ..Default::default() },
    )?;
    let cut = lenient.get_embedding(&long_text)?;
    println!("{} tokens in, {} used, truncated: {}", cut.input_tokens, cut.tokens, cut.truncated);

    // The default policy (OverflowPolicy::Error) is an error with a stable code
    let strict = Context::new(model.clone(), ContextParams { embeddings: true, n_ctx: 128, ..Default::default() })?;
    for text in [long_text.as_str(), ""] {
        if let Err(err) = strict.get_embedding(text) {
            println!("{err}"); // INPUT_TOO_LONG: ..., then EMPTY_INPUT: ...
        }
    }

    // A closed context refuses work instead of crashing
    strict.close();
    let closed = strict.get_embedding("Hello!");
    println!("{}", matches!(closed, Err(ref e) if e.code() == ErrorCode::ContextClosed));
    // --8<-- [end:errors]

    assert_eq!(cut.tokens, 128);
    assert!(cut.truncated && cut.input_tokens > 500);
    assert_eq!(closed.unwrap_err().code(), ErrorCode::ContextClosed);
    Ok(())
}
