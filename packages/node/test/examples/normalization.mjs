// spec/embeddings.md, "Normalization", Node.js tab, as written after the glue lines. The seed
// uses normalizedA/normalizedB without defining them; the glue defines them.
import { Model, Context, dotProduct, cosineSimilarity } from 'mullama'; // glue
const model = await Model.load('./embedding-model.gguf'); // glue
const context = new Context(model, { embeddings: true }); // glue
const a = await context.getEmbedding("How do I cook pasta?"); // glue
const b = await context.getEmbedding("What is the recipe for spaghetti?"); // glue
const normalizedA = normalize(a.data); // glue
const normalizedB = normalize(b.data); // glue

import { normalize } from 'mullama';

const embedding = await context.getEmbedding("Hello!");

// Normalize to unit vector (L2 norm = 1)
const normalized = normalize(embedding.data);

// After normalization, dot product equals cosine similarity
const sim = dotProduct(normalizedA, normalizedB);
console.log(`norm ${Math.hypot(...normalized).toFixed(4)} dot ${sim.toFixed(4)} cos ${cosineSimilarity(a.data, b.data).toFixed(4)}`); // glue
