// spec/embeddings.md, "Batch Embedding", Node.js tab, as written after the glue lines.
import { Model, Context } from 'mullama'; // glue
const model = await Model.load('./embedding-model.gguf'); // glue
const context = new Context(model, { embeddings: true }); // glue

const texts = [
  "The quick brown fox jumps over the lazy dog",
  "Machine learning is a subset of artificial intelligence",
  "Rust is a systems programming language",
  "Python is popular for data science",
];

const embeddings = await context.getEmbeddingBatch(texts);

for (let i = 0; i < texts.length; i++) {
  console.log(`"${texts[i].substring(0, 30)}..." -> dim ${embeddings[i].dimension}`);
}
