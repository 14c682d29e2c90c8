fn main() -> Result<(), Box<dyn std::error::Error>> {
    // --8<-- [start:quantize]
    use mullama::embedding::{cosine_similarity, hamming_distance, quantization_ranges, QuantizedVector};
    use mullama::{Context, ContextParams, EmbedOptions, Model, Precision};
    use std::sync::Arc;

    let model = Arc::new(Model::load("./all-minilm.gguf")?);
    let context = Context::new(model, ContextParams { embeddings: true, ..Default::default() })?;

    // int8: calibrate each dimension's range once, on a sample of your corpus, and reuse it
    let corpus = [
        "Boil water, add salt and the spaghetti.",
        "The stock market fell sharply today.",
        "Quantum computers use qubits.",
        "The cat slept on the warm windowsill.",
    ];
    let sample: Vec<Vec<f32>> = context.get_embedding_batch(&corpus)?.into_iter().map(|e| e.data).collect();
    let ranges = quantization_ranges(&sample)?;
    let int8_opts = EmbedOptions { precision: Some(Precision::Int8), ranges: Some(ranges.clone()), ..Default::default() };
    let int8 = context.get_embedding_with_options("How do I cook pasta?", int8_opts)?;
    if let Some(QuantizedVector::Int8(bytes)) = &int8.quantized {
        println!("Int8 {}", bytes.len()); // Int8 384
    }

    // binary: one bit per dimension, 48 bytes instead of 1536, ranked by Hamming distance
    let docs = &corpus[..3];
    let binary = EmbedOptions { precision: Some(Precision::Binary), ..Default::default() };
    let query = context.get_embedding_with_options("How do I cook pasta?", binary.clone())?;
    let embedded = context.get_embedding_batch_with_options(docs, binary)?;
    let q = query.quantized.as_ref().expect("Precision::Binary fills quantized");
    let mut hits = Vec::new();
    for (i, doc) in embedded.iter().enumerate() {
        hits.push((hamming_distance(q, doc.quantized.as_ref().unwrap())?, i));
    }
    hits.sort();
    println!("{hits:?}"); // [(98, 0), (188, 2), (190, 1)]: the pasta recipe first

    // Rescore the best few with the float vectors, which every embedding still carries in data
    let mut top: Vec<(f32, usize)> = hits[..2].iter().map(|&(_, i)| (cosine_similarity(&query, &embedded[i]), i)).collect();
    top.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (score, best) = top[0];
    println!("{} {score:.4}", docs[best]); // Boil water, add salt and the spaghetti. 0.6524

    // One text alone has no range to calibrate int8 on: pass ranges
    let uncalibrated = EmbedOptions { precision: Some(Precision::Int8), ..Default::default() };
    if let Err(err) = context.get_embedding_with_options("Hello, world!", uncalibrated) {
        println!("{:?}", err.code()); // InvalidArgument
    }
    // --8<-- [end:quantize]

    use mullama::ErrorCode;
    assert_eq!(ranges.len(), 2 * 384);
    let Some(QuantizedVector::Int8(bytes)) = &int8.quantized else { panic!("{:?}", int8.quantized) };
    assert_eq!(bytes.len(), 384);
    assert_eq!(int8.data.len(), 384, "data stays the float vector");
    // sentence-transformers' int8: (v - min) / ((max - min) / 255) - 128, saturating outside the sample
    for (j, (&v, &b)) in int8.data.iter().zip(bytes).enumerate() {
        let (lo, hi) = (ranges[j], ranges[384 + j]);
        let expected = (((v - lo) / ((hi - lo) / 255.0)).trunc() - 128.0).clamp(-128.0, 127.0);
        assert!((f32::from(b) - expected).abs() <= 1.0, "dimension {j}: {b} vs {expected}");
    }
    // A call over the sample itself calibrates on the same texts: the same bytes as with its ranges
    let own = context.get_embedding_batch_with_options(&corpus, EmbedOptions { precision: Some(Precision::Int8), ..Default::default() })?;
    let given = context.get_embedding_batch_with_options(
        &corpus,
        EmbedOptions { precision: Some(Precision::Int8), ranges: Some(ranges.clone()), ..Default::default() },
    )?;
    assert!(own.iter().zip(&given).all(|(a, b)| a.quantized == b.quantized));
    // binary: the sign bits of data, first dimension in the highest bit, each byte minus 128
    let QuantizedVector::Int8(packed) = q else { panic!("{q:?}") };
    assert_eq!(packed.len(), 48);
    for (k, &byte) in packed.iter().enumerate() {
        let bits = query.data[8 * k..8 * k + 8].iter().fold(0i16, |acc, &x| (acc << 1) | i16::from(x > 0.0));
        assert_eq!(i16::from(byte), bits - 128, "byte {k}");
    }
    assert_eq!(hits[0].1, 0, "the Hamming ranking puts the recipe first");
    assert!(hits[0].0 < hits[1].0);
    assert_eq!(best, 0);
    // ubinary: the same bits unsigned, so the same distances
    let ubinary = EmbedOptions { precision: Some(Precision::Ubinary), ..Default::default() };
    let u = context.get_embedding_batch_with_options(&["How do I cook pasta?", docs[0]], ubinary)?;
    let (Some(uq @ QuantizedVector::Uint8(ub)), Some(ud)) = (&u[0].quantized, &u[1].quantized) else { panic!("{:?}", u[0].quantized) };
    assert!(ub.iter().zip(packed).all(|(&u, &b)| i16::from(u) == i16::from(b) + 128));
    assert_eq!(hamming_distance(uq, ud)?, hits[0].0);
    let err =
        context.get_embedding_with_options("Hello, world!", EmbedOptions { precision: Some(Precision::Int8), ..Default::default() }).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidArgument);
    Ok(())
}
