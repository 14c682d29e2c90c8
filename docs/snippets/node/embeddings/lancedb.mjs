// --8<-- [start:lancedb]
import { Model, Context, EmbedRole } from 'mullama';
import * as lancedb from '@lancedb/lancedb';
import { Field, FixedSizeList, Float32, Schema, Utf8 } from 'apache-arrow';

// Embed with mullama; unit vectors, so LanceDB's default L2 distance ranks like cosine
const model = await Model.load('./all-minilm.gguf');
const context = new Context(model, { embeddings: true, normalize: true });

const documents = [
  'Rust is a systems programming language',
  'Python is great for data science',
  'JavaScript runs in the browser',
];
const embeddings = await context.getEmbeddingBatch(documents, { role: EmbedRole.Document });

// A fixed-size vector column, and in the schema's metadata (a Map) the model's fingerprint and
// the vectors' space: whoever opens the table later knows what made its vectors
const schema = new Schema(
  [
    new Field('id', new Utf8()),
    new Field('text', new Utf8()),
    new Field('vector', new FixedSizeList(model.info.dimension, new Field('item', new Float32(), true))),
  ],
  new Map([
    ['fingerprint', model.info.fingerprint],
    ['space', embeddings[0].space],
  ]),
);
const db = await lancedb.connect('./lancedb'); // a folder: LanceDB runs in-process
const rows = documents.map((text, i) => ({ id: `doc_${i}`, text, vector: embeddings[i].data }));
await db.createTable('docs', rows, { schema });

// Query the table, as a later run would: open it, then embed the question
const table = await db.openTable('docs');
const queryEmbed = await context.getEmbedding('Which language runs in a web browser?', { role: EmbedRole.Query });
// Vectors of another model or other settings are not comparable, yet a search would still
// rank them: check the table's space before searching
const storedSpace = (await table.schema()).metadata.get('space');
if (storedSpace !== queryEmbed.space) {
  throw new Error(`the table holds space ${storedSpace}, the query is in ${queryEmbed.space}`);
}
const results = await table.vectorSearch(queryEmbed.data).limit(2).toArray();
console.log(results.map((r) => r.text));
// --8<-- [end:lancedb]

import assert from 'node:assert/strict';
// The top hit, and the metadata as a new connection reads it back from disk.
assert.equal(results[0].text, 'JavaScript runs in the browser');
assert.equal(results[0].id, 'doc_2');
const reopened = await (await lancedb.connect('./lancedb')).openTable('docs');
const stored = await reopened.schema();
assert.deepEqual(Object.fromEntries(stored.metadata), { fingerprint: model.info.fingerprint, space: queryEmbed.space });
assert.equal(String(stored.fields.find((f) => f.name === 'vector').type), 'FixedSizeList[384]<Float32>');
assert.equal(await reopened.countRows(), 3);
// The check refuses what it should: shorter vectors are another space.
assert.notEqual((await context.getEmbedding('Which language runs in a web browser?', { dimensions: 128 })).space, storedSpace);
reopened.close();
table.close();
db.close();
context.close();
