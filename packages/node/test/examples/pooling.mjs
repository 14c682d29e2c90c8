// spec/embeddings.md, "Pooling Strategies", Node.js tab, as written.
import { Model, Context, PoolingStrategy } from 'mullama';

const model = await Model.load('./embedding-model.gguf');
const context = new Context(model, { embeddings: true });

// Use mean pooling (default)
const meanEmbed = await context.getEmbedding("Hello!", {
  pooling: PoolingStrategy.Mean,
});

// Use last token pooling (for autoregressive models)
const lastEmbed = await context.getEmbedding("Hello!", {
  pooling: PoolingStrategy.Last,
});
console.log(`mean ${meanEmbed.dimension} last ${lastEmbed.dimension} differ ${meanEmbed.data[0] !== lastEmbed.data[0]}`); // glue
