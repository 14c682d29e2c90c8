//! Converts a Hugging Face BERT-family folder (safetensors) to GGUF with mullama's converter.
//!
//!     mullama-convert HF_DIR OUT.gguf [--type f32|f16|q8_0] [--name NAME]

use mullama_core::convert::{convert_hf_to_gguf, ConvertOptions, ConvertType};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut positional = Vec::new();
    let mut opts = ConvertOptions { r#type: ConvertType::F16, name: None };
    // OS strings: paths need not be UTF-8 (std::env::args would panic on them); flag values must.
    let mut args = std::env::args_os().skip(1);
    while let Some(a) = args.next() {
        let utf8 = |v: std::ffi::OsString| v.into_string().map_err(|v| format!("{v:?} is not valid UTF-8"));
        let parsed = match a.to_str() {
            Some("--type") => {
                args.next().map(|t| utf8(t).and_then(|t| ConvertType::parse(&t).map_err(|e| e.to_string())).map(|t| opts.r#type = t))
            }
            Some("--name") => args.next().map(|n| utf8(n).map(|n| opts.name = Some(n))),
            _ => Some(Ok(positional.push(PathBuf::from(a)))),
        };
        match parsed {
            Some(Ok(())) => {}
            Some(Err(e)) => return fail(&e),
            None => return fail("a flag is missing its value"),
        }
    }
    let [src, dst] = positional.as_slice() else {
        return fail("usage: mullama-convert HF_DIR OUT.gguf [--type f32|f16|q8_0] [--name NAME]");
    };
    match convert_hf_to_gguf(src, dst, &opts) {
        Ok(r) => {
            println!(
                "wrote {} ({}, {} tensors, {} parameters, {}, {} dims, pooling {}, {:.1} MB)",
                dst.display(),
                r.architecture,
                r.tensors,
                r.parameters,
                r.r#type.as_str(),
                r.dimension,
                if r.is_reranker { "rank (a reranker)" } else { r.pooling.map_or("none", |p| p.as_str()) },
                r.bytes_written as f64 / 1e6
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e.to_string()),
    }
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("mullama-convert: {msg}");
    ExitCode::from(2)
}
