// --8<-- [start:spaces]
import { Model, Context, cosineSimilarity, MullamaError, ErrorCode } from 'mullama';

const model = await Model.load('./all-minilm.gguf');
const context = new Context(model, { embeddings: true });

// The space: the weights' fingerprint and every option that shapes the vector.
// Store it with an index, and check each query against it.
console.log(model.info.fingerprint); // d8da3bd4d5c13156
const doc = await context.getEmbedding('Boil water, add salt and the spaghetti.');
const query = await context.getEmbedding('How do I cook pasta?');
console.log(doc.space === query.space, cosineSimilarity(query, doc).toFixed(4)); // true 0.6524

// Other dimensions (or a prompt, pooling, precision, model...) make another space
const short = await context.getEmbedding('How do I cook pasta?', { dimensions: 128 });
console.log(short.space === doc.space); // false
try {
  cosineSimilarity(short, doc);
} catch (err) {
  if (err instanceof MullamaError && err.code === ErrorCode.SpaceMismatch) console.log(err.code); // SPACE_MISMATCH
}
// --8<-- [end:spaces]

import assert from 'node:assert/strict';
assert.match(model.info.fingerprint, /^[0-9a-f]{16}$/);
assert.match(doc.space, /^[0-9a-f]{16}$/);
assert.equal(doc.space, query.space);
assert.ok(cosineSimilarity(query, doc) > 0.5);
assert.notEqual(short.space, doc.space);
assert.throws(() => cosineSimilarity(short, doc), (e) => e.code === 'SPACE_MISMATCH');
// A prompt changes the space even at the same length; the plain vectors are still comparable.
const prompted = await context.getEmbedding('How do I cook pasta?', { prompt: 'query: ' });
assert.notEqual(prompted.space, query.space);
assert.throws(() => cosineSimilarity(prompted, doc), (e) => e.code === 'SPACE_MISMATCH');
assert.ok(cosineSimilarity(prompted.data, doc.data) > 0);
// The same options give the same space in a new context, and on a reloaded model.
const again = new Context(await Model.load('./all-minilm.gguf'), { embeddings: true });
assert.equal((await again.getEmbedding('Anything at all.')).space, doc.space);
again.close();
context.close();
