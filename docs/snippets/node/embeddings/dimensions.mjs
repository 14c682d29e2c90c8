// --8<-- [start:dimensions]
import { Model, Context, MullamaError } from 'mullama';

const model = await Model.load('./all-minilm.gguf');
const context = new Context(model, { embeddings: true });

// Keep the first 128 of 384 values; with normalize the short vector is unit length again
const short = await context.getEmbedding('Hello, world!', { dimensions: 128, normalize: true });
console.log(short.dimension, short.data.length); // 128 128

// More than the model has is an error, not a silent full-length vector
try {
  await context.getEmbedding('Hello, world!', { dimensions: 1024 });
} catch (err) {
  if (err instanceof MullamaError) console.log(err.code); // INVALID_ARGUMENT
}
// --8<-- [end:dimensions]

import assert from 'node:assert/strict';
assert.equal(short.dimension, 128);
const norm = Math.hypot(...short.data);
assert.ok(Math.abs(norm - 1) < 1e-5, `norm ${norm}`);
// The short vector is the full one's first 128 values, scaled to unit length.
const full = await context.getEmbedding('Hello, world!', { normalize: false });
const head = Array.from(full.data.slice(0, 128));
const headNorm = Math.hypot(...head);
head.forEach((x, i) => assert.ok(Math.abs(x / headNorm - short.data[i]) < 1e-5));
await assert.rejects(context.getEmbedding('x', { dimensions: 385 }), (e) => e.code === 'INVALID_ARGUMENT' && /1 to 384/.test(e.message));
context.close();
