// --8<-- [start:basic]
import { Model, Context } from 'mullama';

const model = await Model.load('./all-minilm.gguf');
const context = new Context(model, { embeddings: true });

const embedding = await context.getEmbedding('Hello, world!');
console.log(`Dimension: ${embedding.dimension}`);
console.log(`Vector (first 5): ${embedding.data.slice(0, 5)}`);
// --8<-- [end:basic]

// Not shown on the page: what the docs test asserts.
import assert from 'node:assert/strict';
assert.equal(embedding.dimension, 384);
assert.ok(embedding.data instanceof Float32Array);
context.close();
