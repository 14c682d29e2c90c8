import { Model } from 'mullama';
const model = await Model.load('./all-minilm.gguf');

// --8<-- [start:errors]
import { Context, OverflowPolicy, MullamaError, ErrorCode } from 'mullama';

const longText = 'All work and no play makes Jack a dull boy. '.repeat(100);

// Keep the first 128 tokens and say so, instead of failing
const lenient = new Context(model, { embeddings: true, nCtx: 128, overflow: OverflowPolicy.TruncateEnd });
const cut = await lenient.getEmbedding(longText);
console.log(`${cut.inputTokens} tokens in, ${cut.tokens} used, truncated: ${cut.truncated}`);

// The default policy (OverflowPolicy.Error) is an error with a stable code
const strict = new Context(model, { embeddings: true, nCtx: 128 });
for (const text of [longText, '']) {
  try {
    await strict.getEmbedding(text);
  } catch (err) {
    if (!(err instanceof MullamaError)) throw err;
    console.log(`${err.code}: ${err.message}`); // INPUT_TOO_LONG, then EMPTY_INPUT
  }
}

// A closed context refuses work instead of crashing
strict.close();
await strict.getEmbedding('Hello!').catch((err) => console.log(err.code === ErrorCode.ContextClosed));
// --8<-- [end:errors]

import assert from 'node:assert/strict';
assert.equal(cut.tokens, 128);
assert.ok(cut.truncated && cut.inputTokens > 500);
await assert.rejects(strict.getEmbedding('x'), (e) => e.code === 'CONTEXT_CLOSED');
await assert.rejects(new Context(model, { nCtx: 128 }).getEmbedding(longText), (e) => e.code === 'INPUT_TOO_LONG');
lenient.close();
