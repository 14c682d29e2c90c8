// --8<-- [start:index]
import { Model, Context, dotProduct } from 'mullama';

const handbook = `
Our office opens at 8:30 and closes at 18:00 on weekdays. On Saturdays it is open from 10:00 to 14:00.
Expense reports are due by the fifth working day of the following month. Receipts must be attached as PDF.
New employees get a laptop on their first day. Lost laptops must be reported to IT within 24 hours.
The cafeteria serves lunch from 12:00 to 14:00. Vegetarian and vegan meals are available every day.
Parking permits are issued by the front desk. Visitors park in the spaces marked with a V.
`;

// 1. Chunk: one sentence a chunk is enough for a handbook this size
const chunks = handbook.split(/(?<=\.)\s+/).map((s) => s.trim()).filter(Boolean);

// 2. Embed every chunk once, as unit vectors so a dot product is the cosine similarity
const model = await Model.load('./all-minilm.gguf');
const context = new Context(model, { embeddings: true, normalize: true });
const vectors = await context.getEmbeddingBatch(chunks);
const index = chunks.map((text, i) => ({ text, vector: vectors[i].data }));
// --8<-- [end:index]

// --8<-- [start:retrieve]
// 3. Retrieve: the chunks closest to the question
async function retrieve(question, k = 2) {
  const q = await context.getEmbedding(question);
  return index
    .map((chunk) => ({ ...chunk, score: dotProduct(q.data, chunk.vector) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}

// 4. Augment: put them in the prompt you send to your LLM
const question = 'When can I get lunch?';
const retrieved = await retrieve(question);
const prompt = `Answer from the context only.

Context:
${retrieved.map((c) => `- ${c.text}`).join('\n')}

Question: ${question}`;
console.log(prompt);
// --8<-- [end:retrieve]

import assert from 'node:assert/strict';
assert.equal(chunks.length, 10);
assert.match(retrieved[0].text, /lunch/);
assert.match((await retrieve('I lost my laptop, what do I do?', 1))[0].text, /Lost laptops/);
context.close();
