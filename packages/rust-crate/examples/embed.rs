//! The README's main job: embed a text with a model from the store (default `all-minilm`).
//!
//!     cargo run --release --example embed -- [MODEL] [TEXT]

use mullama::{store, Context, ContextParams, Error, ErrorCode, Model};
use std::sync::Arc;

fn main() -> mullama::Result<()> {
    // Not std::env::args, which panics on an argument that is not UTF-8.
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.into_string().map_err(|a| Error::new(ErrorCode::InvalidUtf8, format!("argument {a:?} is not valid UTF-8"))))
        .collect::<mullama::Result<_>>()?;
    let mut args = args.into_iter();
    let name = args.next().unwrap_or_else(|| store::DEFAULT_MODEL.to_string());
    let text = args.next().unwrap_or_else(|| "Hello, world!".to_string());

    let model = Arc::new(Model::load(store::resolve(&name))?);
    let params = ContextParams { embeddings: true, ..Default::default() };
    let context = Context::new(model, params)?;

    let embedding = context.get_embedding(&text)?;
    println!("Dimension: {}", embedding.dimension);
    println!("Vector (first 5): {:?}", &embedding.data[..5]);
    Ok(())
}
