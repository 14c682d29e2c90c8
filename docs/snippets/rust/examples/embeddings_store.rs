// Runs where ./all-MiniLM-L6-v2 is the Hugging Face folder and MULLAMA_HOME is a scratch store.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    // --8<-- [start:store]
    use mullama::{convert_model, models_dir, resolve_model_path, ConvertOptions, ConvertType, Model};

    // Convert a Hugging Face BERT-family folder (safetensors) to GGUF; no Python needed
    let options = ConvertOptions { r#type: ConvertType::Q8_0, name: Some("all-MiniLM-L6-v2".into()) };
    let report = convert_model("./all-MiniLM-L6-v2", "./minilm-q8.gguf", options)?;
    println!(
        "{}: {} tensors, {} parameters, {:?}, {:.1} MiB",
        report.architecture,
        report.tensors,
        report.parameters,
        report.r#type,
        report.bytes_written as f64 / (1 << 20) as f64
    );

    // Named models live in one folder, shared with the CLI (`mullama list`)
    println!("Model store: {}", models_dir());
    let model = Model::load(resolve_model_path("all-minilm"))?;
    println!("all-minilm: {}", model.info().path);
    // --8<-- [end:store]

    assert_eq!(report.tensors, 101);
    assert_eq!(report.dimension, 384);
    assert!(models_dir().starts_with(&std::env::var("MULLAMA_HOME")?));
    assert_eq!(Model::load("./minilm-q8.gguf")?.info().dimension, 384);
    Ok(())
}
