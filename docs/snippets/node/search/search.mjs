// --8<-- [start:index]
import { writeFileSync } from 'node:fs';
import { Model, Context } from 'mullama';

const articles = [
  'How to bake sourdough bread at home',
  'A beginner guide to sourdough baking',
  'Training for your first marathon',
  'Ten stretches for runners',
  'Getting started with Rust ownership and borrowing',
  'Understanding the borrow checker in Rust',
  'Planting tomatoes in spring',
  'Why your tomato leaves turn yellow',
];

const model = await Model.load('./all-minilm.gguf');
const context = new Context(model, { embeddings: true, normalize: true });
const vectors = await context.getEmbeddingBatch(articles);

// Keep the index on disk: texts and vectors as JSON
const index = articles.map((text, i) => ({ text, vector: Array.from(vectors[i].data) }));
writeFileSync('index.json', JSON.stringify(index));
// --8<-- [end:index]

// --8<-- [start:search]
import { readFileSync } from 'node:fs';
import { dotProduct } from 'mullama';

const stored = JSON.parse(readFileSync('index.json', 'utf8'));

async function search(query, k = 3) {
  const q = await context.getEmbedding(query);
  return stored
    .map(({ text, vector }) => ({ text, score: dotProduct(q.data, vector) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}

for (const hit of await search('help with my vegetable garden')) {
  console.log(`${hit.score.toFixed(3)}  ${hit.text}`);
}
// --8<-- [end:search]

// --8<-- [start:duplicates]
import { cosineSimilarity } from 'mullama';

// Near-duplicates: pairs whose similarity passes a threshold tuned on your data
const threshold = 0.7;
for (let i = 0; i < stored.length; i++) {
  for (let j = i + 1; j < stored.length; j++) {
    const similarity = cosineSimilarity(stored[i].vector, stored[j].vector);
    if (similarity >= threshold) {
      console.log(`${similarity.toFixed(3)}  "${stored[i].text}" ~ "${stored[j].text}"`);
    }
  }
}
// --8<-- [end:duplicates]

import assert from 'node:assert/strict';
const hits = await search('help with my vegetable garden');
assert.ok(hits.slice(0, 2).every((h) => /tomato/.test(h.text)), JSON.stringify(hits));
assert.match((await search('learning Rust', 1))[0].text, /Rust/);
const pair = cosineSimilarity(stored[0].vector, stored[1].vector);
assert.ok(pair >= threshold && cosineSimilarity(stored[0].vector, stored[2].vector) < threshold);
context.close();
