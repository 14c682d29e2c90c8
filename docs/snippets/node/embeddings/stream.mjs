// --8<-- [start:stream]
import { open } from 'node:fs/promises';
import { Model, Context } from 'mullama';

const model = await Model.load('./all-minilm.gguf');
const context = new Context(model, { embeddings: true });

// 500 texts: in practice, lines read from a file or rows from a database cursor
const texts = Array.from({ length: 500 }, (_, i) => `Document ${i} is about topic ${i % 7}.`);
const BATCH = 64; // texts per push
const WINDOW = 4; // batches held in memory at most

const stream = context.stream({ normalize: true }); // an EmbeddingStream
const out = await open('vectors.ndjson', 'w');
let peak = 0;

async function take() {
  for (const embedding of await stream.next()) {
    await out.write(JSON.stringify(Array.from(embedding.data)) + '\n');
  }
}

for (let i = 0; i < texts.length; i += BATCH) {
  stream.push(texts.slice(i, i + BATCH)); // returns at once
  const { pending } = stream.progress();
  peak = Math.max(peak, pending);
  if (pending >= WINDOW) await take(); // the oldest batch, in input order
}
while (stream.progress().pending > 0) await take();
await out.close();

const progress = stream.progress(); // a StreamProgress
console.log(progress.pushed, progress.embedded, progress.delivered, progress.tokens, peak); // 500 500 500 4610 4
// --8<-- [end:stream]

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cosineSimilarity } from 'mullama';

const lines = readFileSync('vectors.ndjson', 'utf8').trim().split('\n').map((l) => JSON.parse(l));
assert.equal(lines.length, texts.length);
assert.ok(lines.every((v) => v.length === 384));
// In input order: the vectors equal a plain batch call's on the same texts.
const probe = [0, 1, 63, 64, 137, 255, 256, 499];
const expected = await context.getEmbeddingBatch(probe.map((i) => texts[i]), { normalize: true });
probe.forEach((i, k) => {
  const sim = cosineSimilarity(Float32Array.from(lines[i]), expected[k].data);
  assert.ok(sim > 0.9999, `text ${i}: cosine ${sim}`);
});
assert.ok(cosineSimilarity(Float32Array.from(lines[1]), expected[0].data) < 0.9999);
assert.ok(peak <= WINDOW, `peak ${peak}`);
assert.equal(progress.pushed, 500);
assert.equal(progress.embedded, 500);
assert.equal(progress.delivered, 500);
assert.equal(progress.pending, 0);
assert.ok(progress.tokens > 0);
assert.deepEqual(await stream.next(), []);
// A failed batch rejects at its turn, naming its texts; the stream goes on.
stream.push(['one', '']);
stream.push(['two']);
await assert.rejects(stream.next(), (e) => e.code === 'EMPTY_INPUT' && e.message.startsWith('the batch of texts 500 to 501: '));
assert.equal((await stream.next()).length, 1);
context.close();
