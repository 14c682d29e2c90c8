// --8<-- [start:langchain]
import { cosineSimilarity } from 'mullama';
import { MullamaEmbeddings } from 'mullama/langchain'; // needs @langchain/core

// LangChain.js's Embeddings, running the model in this process (a GGUF path or a store name)
const embeddings = await MullamaEmbeddings.load('./all-minilm.gguf');

const documents = [
  'Pasta cooks in a large pot of boiling salted water.',
  'The stock market fell sharply on Monday.',
  'Cats sleep for most of the day.',
  'Rust is a systems programming language.',
];
// Documents get the model's document prompt, the query its query prompt (e5, nomic-embed, bge)
const vectors = await embeddings.embedDocuments(documents); // number[][]
const query = await embeddings.embedQuery('How do I cook spaghetti?'); // number[]

// Rank the documents by cosine similarity to the query
const ranked = documents
  .map((text, i) => ({ text, score: cosineSimilarity(query, vectors[i]) }))
  .sort((a, b) => b.score - a.score);
console.log(ranked[0].text); // Pasta cooks in a large pot of boiling salted water.
// --8<-- [end:langchain]

import assert from 'node:assert/strict';
import { EmbedRole } from 'mullama';

// A LangChain.js Embeddings (@langchain/core is the mullama package's peer, not the docs package's).
assert.equal(Object.getPrototypeOf(MullamaEmbeddings).name, 'Embeddings');
assert.equal(ranked[0].text, documents[0]);
assert.ok(ranked[0].score > ranked[1].score + 0.1, JSON.stringify(ranked));
assert.equal(vectors.length, 4);
for (const v of [...vectors, query]) assert.equal(v.length, 384);
// The same vectors as the library's own calls with the document and query roles.
const want = await embeddings.context.getEmbeddingBatch(documents, { role: EmbedRole.Document });
want.forEach((e, i) => e.data.forEach((x, j) => assert.ok(Math.abs(x - vectors[i][j]) < 1e-5)));
const wantQuery = await embeddings.context.getEmbedding('How do I cook spaghetti?', { role: EmbedRole.Query });
wantQuery.data.forEach((x, j) => assert.ok(Math.abs(x - query[j]) < 1e-5));
embeddings.context.close();
