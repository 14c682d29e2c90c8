// spec/embeddings.md, "Similarity Calculations", Node.js tab, as written after the glue lines.
import { Model, Context } from 'mullama'; // glue
const model = await Model.load('./embedding-model.gguf'); // glue
const context = new Context(model, { embeddings: true }); // glue

import { cosineSimilarity, dotProduct } from 'mullama';

const embed1 = await context.getEmbedding("How do I cook pasta?");
const embed2 = await context.getEmbedding("What is the recipe for spaghetti?");
const embed3 = await context.getEmbedding("Tell me about quantum physics");

// Cosine similarity (most common, range: -1 to 1)
const sim12 = cosineSimilarity(embed1.data, embed2.data);
const sim13 = cosineSimilarity(embed1.data, embed3.data);

console.log(`Pasta vs Spaghetti: ${sim12.toFixed(4)}`);  // High similarity
console.log(`Pasta vs Quantum: ${sim13.toFixed(4)}`);    // Low similarity

// Dot product (for models trained with dot product similarity)
const dot12 = dotProduct(embed1.data, embed2.data);
console.log(`Dot product: ${dot12.toFixed(4)}`);
