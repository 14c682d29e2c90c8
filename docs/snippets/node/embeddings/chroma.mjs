// Needs a Chroma server on localhost:8000; the docs test starts one (`chroma run`, PyPI chromadb).
// --8<-- [start:chroma]
import { Model, Context } from 'mullama';
import { ChromaClient } from 'chromadb';

// Embed with mullama; unit vectors, so Chroma's default L2 distance ranks like cosine
const model = await Model.load('./all-minilm.gguf');
const context = new Context(model, { embeddings: true, normalize: true });

// Store in Chroma (a server started with `chroma run`, on localhost:8000)
const chroma = new ChromaClient();
const collection = await chroma.getOrCreateCollection({
  name: 'docs',
  embeddingFunction: null, // mullama supplies the vectors
});

const documents = [
  'Rust is a systems programming language',
  'Python is great for data science',
  'JavaScript runs in the browser',
];

const embeddings = await context.getEmbeddingBatch(documents);

await collection.add({
  ids: documents.map((_, i) => `doc_${i}`),
  // Chroma's client wants plain arrays; `data` is a Float32Array
  embeddings: embeddings.map((e) => Array.from(e.data)),
  documents,
});

// Query
const queryEmbed = await context.getEmbedding('Which language runs in a web browser?');
const results = await collection.query({
  queryEmbeddings: [Array.from(queryEmbed.data)],
  nResults: 2,
});
console.log(results.documents);
// --8<-- [end:chroma]

import assert from 'node:assert/strict';
assert.equal(results.documents[0][0], 'JavaScript runs in the browser');
await chroma.deleteCollection({ name: 'docs' });
context.close();
