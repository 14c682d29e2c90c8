// --8<-- [start:quantize]
import { Model, Context, Precision, quantizationRanges, hammingDistance, cosineSimilarity, MullamaError } from 'mullama';

const model = await Model.load('./all-minilm.gguf');
const context = new Context(model, { embeddings: true });

// int8: calibrate each dimension's range once, on a sample of your corpus, and reuse it
const corpus = [
  'Boil water, add salt and the spaghetti.',
  'The stock market fell sharply today.',
  'Quantum computers use qubits.',
  'The cat slept on the warm windowsill.',
];
const sample = await context.getEmbeddingBatch(corpus);
const ranges = quantizationRanges(sample.map((e) => e.data));
const int8 = await context.getEmbedding('How do I cook pasta?', { precision: Precision.Int8, ranges });
console.log(int8.quantized.constructor.name, int8.quantized.length); // Int8Array 384

// binary: one bit per dimension, 48 bytes instead of 1536, ranked by Hamming distance
const docs = corpus.slice(0, 3);
const binary = { precision: Precision.Binary };
const query = await context.getEmbedding('How do I cook pasta?', binary);
const hits = (await context.getEmbeddingBatch(docs, binary))
  .map((doc, i) => ({ i, doc, distance: hammingDistance(query.quantized, doc.quantized) }))
  .sort((a, b) => a.distance - b.distance);
console.log(hits.map((h) => h.distance)); // [ 98, 188, 190 ]: the pasta recipe first

// Rescore the best few with the float vectors, which every embedding still carries in data
const top = hits.slice(0, 2).map((h) => ({ ...h, score: cosineSimilarity(query, h.doc) }));
top.sort((a, b) => b.score - a.score);
console.log(docs[top[0].i], top[0].score.toFixed(4)); // Boil water, add salt and the spaghetti. 0.6524

// One text alone has no range to calibrate int8 on: pass ranges
try {
  await context.getEmbedding('Hello, world!', { precision: Precision.Int8 });
} catch (err) {
  if (err instanceof MullamaError) console.log(err.code); // INVALID_ARGUMENT
}
// --8<-- [end:quantize]

import assert from 'node:assert/strict';
assert.ok(ranges instanceof Float32Array);
assert.equal(ranges.length, 2 * 384);
assert.ok(int8.quantized instanceof Int8Array);
assert.equal(int8.quantized.length, 384);
assert.equal(int8.data.length, 384, 'data stays the float vector');
// sentence-transformers' int8: (v - min) / ((max - min) / 255) - 128, saturating outside the sample
const step = (j) => (ranges[384 + j] - ranges[j]) / 255;
int8.data.forEach((v, j) => {
  const expected = Math.min(127, Math.max(-128, Math.trunc((v - ranges[j]) / step(j)) - 128));
  assert.ok(Math.abs(int8.quantized[j] - expected) <= 1, `dimension ${j}: ${int8.quantized[j]} vs ${expected}`);
});
// A call over the sample itself calibrates on the same texts: the same bytes as with its ranges
const self = await context.getEmbeddingBatch(corpus, { precision: Precision.Int8 });
const given = await context.getEmbeddingBatch(corpus, { precision: Precision.Int8, ranges });
self.forEach((e, i) => assert.deepEqual(e.quantized, given[i].quantized));
// binary: the sign bits of data, first dimension in the highest bit, each byte minus 128
assert.ok(query.quantized instanceof Int8Array);
assert.equal(query.quantized.length, 48);
query.quantized.forEach((byte, k) => {
  let bits = 0;
  for (let b = 0; b < 8; b++) bits = (bits << 1) | (query.data[8 * k + b] > 0 ? 1 : 0);
  assert.equal(byte, bits - 128, `byte ${k}`);
});
assert.equal(hits[0].i, 0, 'the Hamming ranking puts the recipe first');
assert.equal(top[0].i, 0);
assert.ok(hits[0].distance < hits[1].distance);
// ubinary: the same bits unsigned, so the same distances
const [uQuery, uDoc] = await context.getEmbeddingBatch(['How do I cook pasta?', docs[0]], { precision: Precision.Ubinary });
assert.ok(uQuery.quantized instanceof Uint8Array);
assert.deepEqual(Array.from(uQuery.quantized), Array.from(query.quantized, (b) => b + 128));
assert.equal(hammingDistance(uQuery.quantized, uDoc.quantized), hits[0].distance);
await assert.rejects(context.getEmbedding('Hello, world!', { precision: Precision.Int8 }), (e) => e.code === 'INVALID_ARGUMENT');
context.close();
