//! Prints the vectors of the texts given as arguments as one JSON array, for the cross-language
//! test (packages/python-gen/tests/test_cross_language.py): `embed_json MODEL TEXT...`.

use mullama::{Context, ContextParams, EmbedOptions, Error, ErrorCode, Model};
use std::sync::Arc;

fn main() -> mullama::Result<()> {
    // Not std::env::args, which panics on an argument that is not UTF-8.
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.into_string().map_err(|a| Error::new(ErrorCode::InvalidUtf8, format!("argument {a:?} is not valid UTF-8"))))
        .collect::<mullama::Result<_>>()?;
    let mut args = args.into_iter();
    let model = Arc::new(Model::load(args.next().expect("usage: embed_json MODEL TEXT..."))?);
    let texts: Vec<String> = args.collect();
    let context = Context::new(model, ContextParams::default())?;
    let vectors = context.get_embedding_batch_with_options(&texts, EmbedOptions::default())?;
    let rows: Vec<String> =
        vectors.iter().map(|e| format!("[{}]", e.data.iter().map(|x| format!("{x:e}")).collect::<Vec<_>>().join(","))).collect();
    println!("[{}]", rows.join(","));
    Ok(())
}
