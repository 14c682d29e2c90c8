import { Model, Context } from 'mullama';
const model = await Model.load('./all-minilm.gguf');
const context = new Context(model, { embeddings: true });

// --8<-- [start:vectors-as-json]
import { vectorToJson } from 'mullama';

const embedding = await context.getEmbedding('Hello, world!');

// The shortest decimals that read back as the same float32 values
const text = vectorToJson(embedding.data);
console.log(text.slice(0, 40)); // [-0.038156014,0.032883998,-0.0056165922,...

// Parsed back, every number is bit-identical
const back = Float32Array.from(JSON.parse(text));
// --8<-- [end:vectors-as-json]

import assert from 'node:assert/strict';
assert.deepEqual(back, embedding.data);
assert.ok(text.length < JSON.stringify(Array.from(embedding.data)).length * 0.7, 'shorter than float64 text');
assert.match(text, /^\[-?\d/);
context.close();
