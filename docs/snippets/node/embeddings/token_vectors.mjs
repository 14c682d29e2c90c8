// --8<-- [start:token-vectors]
import { Model, Context } from 'mullama';

const model = await Model.load('./all-minilm.gguf');
const text = 'Hello, wörld!';

// Each token with the bytes of the text it covers: TokenInfo[]
for (const t of model.tokenizeWithOffsets(text)) {
  const covers = t.special ? '(special)' : Buffer.from(text).subarray(t.start, t.stop).toString();
  console.log(t.id, t.text, covers);
}

// Every token's vector, unpooled: TokenEmbeddings[]
const context = new Context(model, { embeddings: true });
const [tokens] = await context.getTokenEmbeddings([text], { normalize: true });
console.log(`${tokens.tokens} tokens x ${tokens.dimension} values`);
const first = tokens.data.subarray(0, tokens.dimension); // the [CLS] token's vector
// --8<-- [end:token-vectors]

// Not shown on the page: what the docs test asserts.
import assert from 'node:assert/strict';
const info = model.tokenizeWithOffsets(text);
assert.equal(info.length, tokens.tokens);
assert.equal(tokens.data.length, tokens.tokens * 384);
assert.equal(Buffer.from(text).subarray(info[3].start, info[3].stop).toString(), 'wörld');
assert.ok(Math.abs(Math.hypot(...first) - 1) < 1e-4);
assert.equal(tokens.inputTokens, tokens.tokens);
assert.equal(tokens.truncated, false);
context.close();
