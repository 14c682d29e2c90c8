import { Model } from 'mullama';
const model = await Model.load('./all-minilm.gguf');

// --8<-- [start:context]
import { Context } from 'mullama';

const context = new Context(model, {
  embeddings: true,
  nThreads: 2, // CPU threads (default: every core)
  nWorkers: 1, // worker contexts sharing the model (default: one)
  nBatch: 512, // token budget of one micro-batch (default: 256)
  flashAttention: true, // false: attention in f32, slower but exact
});

// Calls may overlap: the context packs them into shared micro-batches
const questions = ['What is Rust?', 'What is Python?', 'What is JavaScript?'];
const vectors = await Promise.all(questions.map((q) => context.getEmbedding(q)));
console.log(vectors.map((v) => v.dimension));
// Running totals: calls, texts, micro-batches run through llama.cpp, tokens
const stats = context.stats();
console.log(`${stats.calls} calls in ${stats.batches} micro-batches`);

// Stop the workers when done (a later call fails with CONTEXT_CLOSED)
context.close();
// --8<-- [end:context]

import assert from 'node:assert/strict';
assert.deepEqual(vectors.map((v) => v.dimension), [384, 384, 384]);
assert.equal(stats.calls, 3);
assert.ok(stats.batches >= 1 && stats.batches <= 3);
