// --8<-- [start:tokens]
import { Model } from 'mullama';

const model = await Model.load('./all-minilm.gguf');
// Tokens a text has, special tokens included: what Embedding.inputTokens will report
const count = model.countTokens('Hello, world!');
// The token ids the model embeds, cut to at most 4 (the special tokens stay)
const ids = model.tokenize('Hello, world!', 4);
console.log(count, ids);
// --8<-- [end:tokens]

import assert from 'node:assert/strict';
assert.equal(count, 6);
assert.deepEqual(ids, [101, 7592, 1010, 102]);
