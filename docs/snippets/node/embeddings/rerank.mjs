// --8<-- [start:convert]
import { convertModel } from 'mullama';

// A cross-encoder's Hugging Face folder, e.g. cross-encoder/ms-marco-MiniLM-L6-v2
const report = await convertModel('./ms-marco-MiniLM-L6-v2', './ms-marco-minilm.gguf');
console.log('Reranker:', report.isReranker, `(${report.tensors} tensors)`); // true
// --8<-- [end:convert]

// --8<-- [start:rerank]
import { Model, Context } from 'mullama';

// A cross-encoder converted with `mullama convert` (see "Converting a reranker" below)
const reranker = await Model.load('./ms-marco-minilm.gguf');
console.log('Reranker:', reranker.info.isReranker); // true

const context = new Context(reranker, { embeddings: true });
const query = 'How many people live in Berlin?';
const documents = [
  'Berlin is well known for its museums.',
  'Berlin had a population of 3,520,031 registered inhabitants.',
  'New York City is famous for the Metropolitan Museum of Art.',
];

// Every document scored against the query, most relevant first: RankResult[]
const results = await context.rank(query, documents, { topN: 2, returnDocuments: true });
for (const r of results) {
  console.log(`${r.score.toFixed(4)} (logit ${r.logit.toFixed(2)}) #${r.index}: ${r.document}`);
}
// --8<-- [end:rerank]

// Not shown on the page: what the docs test asserts.
import assert from 'node:assert/strict';
assert.equal(results.length, 2);
assert.ok(results[0].logit >= results[1].logit);
assert.equal(results[0].document, documents[results[0].index]);
assert.ok(results[0].score > 0 && results[0].score < 1);
const all = await context.rank(query, documents);
assert.deepEqual(all.slice(0, 2).map((r) => r.index), results.map((r) => r.index));
await assert.rejects(context.getEmbedding('Berlin'), { code: 'MODEL_UNSUPPORTED' });
context.close();
