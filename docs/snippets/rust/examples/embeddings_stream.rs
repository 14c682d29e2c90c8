fn main() -> Result<(), Box<dyn std::error::Error>> {
    // --8<-- [start:stream]
    use mullama::{Context, ContextParams, EmbedOptions, Embedding, EmbeddingStream, Model, StreamProgress};
    use std::io::{BufWriter, Write};
    use std::sync::Arc;

    let model = Arc::new(Model::load("./all-minilm.gguf")?);
    let context = Context::new(model, ContextParams { embeddings: true, ..Default::default() })?;

    // 500 texts: in practice, lines read from a file or rows from a database cursor
    let texts: Vec<String> = (0..500).map(|i| format!("Document {i} is about topic {}.", i % 7)).collect();
    const BATCH: usize = 64; // texts per push
    const WINDOW: u32 = 4; // batches held in memory at most

    let options = EmbedOptions { normalize: Some(true), ..Default::default() };
    let stream: EmbeddingStream = context.stream(options)?;
    let mut out = BufWriter::new(std::fs::File::create("vectors.ndjson")?);
    let mut peak = 0;

    // One JSON array per line
    fn write_all(out: &mut impl Write, embeddings: Vec<Embedding>) -> std::io::Result<()> {
        for embedding in embeddings {
            let values: Vec<String> = embedding.data.iter().map(|x| x.to_string()).collect();
            writeln!(out, "[{}]", values.join(","))?;
        }
        Ok(())
    }

    for batch in texts.chunks(BATCH) {
        stream.push(batch)?; // returns at once
        let pending = stream.progress().pending;
        peak = peak.max(pending);
        if pending >= WINDOW {
            write_all(&mut out, stream.next()?)?; // the oldest batch, in input order
        }
    }
    while stream.progress().pending > 0 {
        write_all(&mut out, stream.next()?)?;
    }
    out.flush()?;

    let progress: StreamProgress = stream.progress();
    println!("{} {} {} {} {}", progress.pushed, progress.embedded, progress.delivered, progress.tokens, peak); // 500 500 500 4610 4
    // --8<-- [end:stream]

    use mullama::embedding::cosine_similarity;
    let lines: Vec<Vec<f32>> = std::fs::read_to_string("vectors.ndjson")?
        .lines()
        .map(|l| l.trim_matches(['[', ']']).split(',').map(|x| x.parse().unwrap()).collect())
        .collect();
    assert_eq!(lines.len(), texts.len());
    assert!(lines.iter().all(|v| v.len() == 384));
    // In input order: the vectors equal a plain batch call's on the same texts.
    let probe = [0, 1, 63, 64, 137, 255, 256, 499];
    let chosen: Vec<&str> = probe.iter().map(|&i| texts[i].as_str()).collect();
    let expected = context.get_embedding_batch_with_options(&chosen, EmbedOptions { normalize: Some(true), ..Default::default() })?;
    for (&i, emb) in probe.iter().zip(&expected) {
        let sim = cosine_similarity(&lines[i], &emb.data);
        assert!(sim > 0.9999, "text {i}: cosine {sim}");
    }
    assert!(cosine_similarity(&lines[1], &expected[0].data) < 0.9999);
    assert!(peak <= WINDOW, "peak {peak}");
    assert_eq!((progress.pushed, progress.embedded, progress.delivered, progress.pending), (500, 500, 500, 0));
    assert!(progress.tokens > 0);
    assert!(stream.next()?.is_empty());
    // A failed batch is an error at its turn, naming its texts; the stream goes on.
    stream.push(&["one", ""])?;
    stream.push(&["two"])?;
    let err = stream.next().unwrap_err();
    assert_eq!(err.code(), mullama::ErrorCode::EmptyInput);
    assert!(err.message().starts_with("the batch of texts 500 to 501: "), "{err}");
    assert_eq!(stream.next()?.len(), 1);
    Ok(())
}
