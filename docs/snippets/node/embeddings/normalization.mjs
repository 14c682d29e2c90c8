import { Model, Context } from 'mullama';
const model = await Model.load('./all-minilm.gguf');
const context = new Context(model, { embeddings: true });

// --8<-- [start:normalization]
import { normalize, dotProduct, cosineSimilarity } from 'mullama';

const a = await context.getEmbedding('How do I cook pasta?');
const b = await context.getEmbedding('What is the recipe for spaghetti?');

// Scale to unit length (L2 norm = 1)
const normalizedA = normalize(a.data);
const normalizedB = normalize(b.data);

// Between unit vectors, the dot product is the cosine similarity
console.log(dotProduct(normalizedA, normalizedB).toFixed(4)); // same as ...
console.log(cosineSimilarity(a.data, b.data).toFixed(4));

// Or ask for unit vectors straight away
const unit = await context.getEmbedding('Hello!', { normalize: true });
// --8<-- [end:normalization]

import assert from 'node:assert/strict';
const norm = Math.hypot(...unit.data);
assert.ok(Math.abs(norm - 1) < 1e-5, `norm ${norm}`);
assert.ok(Math.abs(dotProduct(normalizedA, normalizedB) - cosineSimilarity(a.data, b.data)) < 1e-5);
context.close();
