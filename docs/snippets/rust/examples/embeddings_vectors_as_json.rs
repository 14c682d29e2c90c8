use mullama::{Context, ContextParams, Model};
use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let model = Arc::new(Model::load("./all-minilm.gguf")?);
    let context = Context::new(model, ContextParams { embeddings: true, ..Default::default() })?;

    // --8<-- [start:vectors-as-json]
    use mullama::embedding::vector_to_json;

    let embedding = context.get_embedding("Hello, world!")?;

    // The shortest decimals that read back as the same float32 values
    let text = vector_to_json(&embedding.data);
    println!("{}", &text[..40]); // [-0.038156014,0.032883998,-0.0056165922,...

    // Parsed back, every number is bit-identical
    let back: Vec<f32> = text.trim_matches(['[', ']']).split(',').map(str::parse).collect::<Result<_, _>>()?;
    // --8<-- [end:vectors-as-json]

    assert_eq!(back, embedding.data);
    assert!(text.starts_with('['));
    Ok(())
}
