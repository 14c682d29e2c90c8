import { Model, Context } from 'mullama';
const model = await Model.load('./all-minilm.gguf');
const context = new Context(model, { embeddings: true });

// --8<-- [start:batch]
const texts = [
  'The quick brown fox jumps over the lazy dog',
  'Machine learning is a subset of artificial intelligence',
  'Rust is a systems programming language',
  'Python is popular for data science',
];

const embeddings = await context.getEmbeddingBatch(texts);

for (let i = 0; i < texts.length; i++) {
  console.log(`"${texts[i].substring(0, 30)}..." -> dim ${embeddings[i].dimension}`);
}
// --8<-- [end:batch]

import assert from 'node:assert/strict';
assert.equal(embeddings.length, 4);
// A batch gives the same vectors as one call per text (to float rounding).
const alone = await context.getEmbedding(texts[2]);
assert.ok(embeddings[2].data.every((x, i) => Math.abs(x - alone.data[i]) < 1e-3));
context.close();
