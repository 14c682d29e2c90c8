//! Prints the vectors of the texts given as arguments as one JSON array, for the cross-language
//! test (packages/python-gen/tests/test_cross_language.py): `embed_json MODEL TEXT...`.

use mullama::{Context, ContextParams, EmbedOptions, Model};
use std::sync::Arc;

fn main() -> mullama::Result<()> {
    let mut args = std::env::args().skip(1);
    let model = Arc::new(Model::load(args.next().expect("usage: embed_json MODEL TEXT..."))?);
    let texts: Vec<String> = args.collect();
    let context = Context::new(model, ContextParams::default())?;
    let vectors = context.get_embedding_batch_with_options(&texts, EmbedOptions::default())?;
    let rows: Vec<String> = vectors.iter().map(|e| format!("[{}]", e.data.iter().map(|x| format!("{x:e}")).collect::<Vec<_>>().join(","))).collect();
    println!("[{}]", rows.join(","));
    Ok(())
}
