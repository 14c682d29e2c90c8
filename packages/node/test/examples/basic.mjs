// spec/embeddings.md, "Basic Embedding Generation", Node.js tab, as written.
import { Model, Context } from 'mullama';

const model = await Model.load('./embedding-model.gguf');
const context = new Context(model, { embeddings: true });

const embedding = await context.getEmbedding("Hello, world!");
console.log(`Dimension: ${embedding.dimension}`);
console.log(`Vector (first 5): ${embedding.data.slice(0, 5)}`);
