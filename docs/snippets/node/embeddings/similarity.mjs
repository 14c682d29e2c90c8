import { Model, Context } from 'mullama';
const model = await Model.load('./all-minilm.gguf');
const context = new Context(model, { embeddings: true });

// --8<-- [start:similarity]
import { cosineSimilarity, dotProduct } from 'mullama';

const embed1 = await context.getEmbedding('How do I cook pasta?');
const embed2 = await context.getEmbedding('What is the recipe for spaghetti?');
const embed3 = await context.getEmbedding('Tell me about quantum physics');

// Cosine similarity: the usual measure, from -1 to 1
const sim12 = cosineSimilarity(embed1.data, embed2.data);
const sim13 = cosineSimilarity(embed1.data, embed3.data);

console.log(`Pasta vs Spaghetti: ${sim12.toFixed(4)}`); // high
console.log(`Pasta vs Quantum: ${sim13.toFixed(4)}`); // low

// Dot product: for models trained with it
const dot12 = dotProduct(embed1.data, embed2.data);
console.log(`Dot product: ${dot12.toFixed(4)}`);
// --8<-- [end:similarity]

import assert from 'node:assert/strict';
assert.ok(sim12 > sim13 + 0.3, `${sim12} vs ${sim13}`);
context.close();
