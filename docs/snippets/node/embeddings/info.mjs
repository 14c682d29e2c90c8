// --8<-- [start:info]
import { Model, Context, cosineSimilarity, MullamaError, ErrorCode } from 'mullama';

const model = await Model.load('./all-minilm.gguf');
const { architecture, dimension, contextLength, nativePooling } = model.info;
console.log(`${architecture}: ${dimension} dimensions, ${contextLength} tokens, ${nativePooling} pooling`);

// Vectors of different lengths cannot be compared: a typed error, not a wrong number
const context = new Context(model, { embeddings: true });
const query = await context.getEmbedding('Hello!');
const truncated = query.data.subarray(0, 256); // as if from a 256-dimension model
try {
  cosineSimilarity(query.data, truncated);
} catch (err) {
  if (err instanceof MullamaError && err.code === ErrorCode.DimensionMismatch) {
    console.log(`Cannot compare: ${err.message}`);
  }
}
// --8<-- [end:info]

import assert from 'node:assert/strict';
assert.equal(dimension, 384);
assert.equal(architecture, 'bert');
assert.throws(() => cosineSimilarity(query.data, truncated), (e) => e.code === 'DIMENSION_MISMATCH');
context.close();
