fn main() -> Result<(), Box<dyn std::error::Error>> {
    // --8<-- [start:tokens]
    use mullama::Model;

    let model = Model::load("./all-minilm.gguf")?;
    // Tokens a text has, special tokens included: what Embedding::input_tokens will report
    let count = model.count_tokens("Hello, world!")?;
    // The token ids the model embeds, cut to at most 4 (the special tokens stay)
    let ids = model.tokenize("Hello, world!", 4)?;
    println!("{count} {ids:?}");
    // --8<-- [end:tokens]

    assert_eq!(count, 6);
    assert_eq!(ids, vec![101, 7592, 1010, 102]);
    Ok(())
}
