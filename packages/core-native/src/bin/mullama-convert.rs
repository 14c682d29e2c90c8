//! Converts a Hugging Face BERT-family folder (safetensors) to GGUF with mullama's converter.
//!
//!     mullama-convert HF_DIR OUT.gguf [--type f32|f16|q8_0] [--name NAME]

use mullama_core::convert::{convert_hf_to_gguf, ConvertOptions, ConvertType};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut positional = Vec::new();
    let mut opts = ConvertOptions { r#type: ConvertType::F16, name: None };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let parsed = match a.as_str() {
            "--type" => args.next().map(|t| ConvertType::parse(&t).map(|t| opts.r#type = t)),
            "--name" => args.next().map(|n| Ok(opts.name = Some(n))),
            _ => Some(Ok(positional.push(PathBuf::from(a)))),
        };
        match parsed {
            Some(Ok(())) => {}
            Some(Err(e)) => return fail(&e.to_string()),
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
                r.pooling.map_or("none", |p| p.as_str()),
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
