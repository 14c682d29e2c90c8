// --8<-- [start:index]
use mullama::embedding::dot_product;
use mullama::{Context, ContextParams, Model};
use std::sync::Arc;

const HANDBOOK: &str = "
Our office opens at 8:30 and closes at 18:00 on weekdays. On Saturdays it is open from 10:00 to 14:00.
Expense reports are due by the fifth working day of the following month. Receipts must be attached as PDF.
New employees get a laptop on their first day. Lost laptops must be reported to IT within 24 hours.
The cafeteria serves lunch from 12:00 to 14:00. Vegetarian and vegan meals are available every day.
Parking permits are issued by the front desk. Visitors park in the spaces marked with a V.
";

fn main() -> mullama::Result<()> {
    // 1. Chunk: one sentence a chunk is enough for a handbook this size
    let chunks: Vec<String> =
        HANDBOOK.split_inclusive(". ").flat_map(|s| s.lines()).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();

    // 2. Embed every chunk once, as unit vectors so a dot product is the cosine similarity
    let model = Arc::new(Model::load("./all-minilm.gguf")?);
    let context = Context::new(model, ContextParams { embeddings: true, normalize: Some(true), ..Default::default() })?;
    let index: Vec<(String, Vec<f32>)> =
        chunks.iter().cloned().zip(context.get_embedding_batch(&chunks)?.into_iter().map(|e| e.data)).collect();
    // --8<-- [end:index]

    // --8<-- [start:retrieve]
    // 3. Retrieve: the chunks closest to the question
    let retrieve = |question: &str, k: usize| -> mullama::Result<Vec<&str>> {
        let q = context.get_embedding(question)?.data;
        let mut ranked: Vec<(f32, &str)> = index.iter().map(|(text, v)| (dot_product(&q, v), text.as_str())).collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        Ok(ranked.into_iter().take(k).map(|(_, text)| text).collect())
    };

    // 4. Augment: put them in the prompt you send to your LLM
    let question = "When can I get lunch?";
    let retrieved: Vec<String> = retrieve(question, 2)?.iter().map(|text| format!("- {text}")).collect();
    let prompt = format!("Answer from the context only.\n\nContext:\n{}\n\nQuestion: {question}", retrieved.join("\n"));
    println!("{prompt}");
    // --8<-- [end:retrieve]

    assert_eq!(chunks.len(), 10, "{chunks:?}");
    assert!(retrieve(question, 1)?[0].contains("lunch"));
    assert!(retrieve("I lost my laptop, what do I do?", 1)?[0].contains("Lost laptops"));
    Ok(())
}
