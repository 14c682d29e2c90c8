// --8<-- [start:roles]
import { Model, Context, EmbedRole } from 'mullama';

const model = await Model.load('./all-minilm.gguf');
const context = new Context(model, { embeddings: true });

// Retrieval models (e5, nomic-embed, bge...) want a prompt before queries and documents;
// the role puts the model's own one there. all-minilm is symmetric: it has none.
console.log(model.info.queryPrompt, model.info.documentPrompt); // undefined undefined
const query = await context.getEmbedding('how do I cook pasta?', { role: EmbedRole.Query });
const docs = await context.getEmbeddingBatch(['Boil water, add salt and the spaghetti.'], { role: EmbedRole.Document });

// A prompt of your own: it goes before the text and counts in its tokens
const prompted = await context.getEmbedding('how do I cook pasta?', { prompt: 'query: ' });
console.log(prompted.prompt, prompted.tokens); // "query: " 10
// --8<-- [end:roles]

import assert from 'node:assert/strict';
assert.equal(query.prompt, undefined);
assert.equal(docs[0].prompt, undefined);
assert.equal(prompted.prompt, 'query: ');
assert.equal(prompted.tokens, model.countTokens('query: how do I cook pasta?'));
assert.deepEqual(prompted.data, (await context.getEmbedding('query: how do I cook pasta?')).data);
context.close();
