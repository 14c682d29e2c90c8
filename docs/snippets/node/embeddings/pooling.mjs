// --8<-- [start:pooling]
import { Model, Context, PoolingStrategy } from 'mullama';

const model = await Model.load('./all-minilm.gguf');
const context = new Context(model, { embeddings: true });

// Mean pooling is the default
const meanEmbed = await context.getEmbedding('Hello!', { pooling: PoolingStrategy.Mean });

// The last token's vector: the usual choice for decoder-only models
const lastEmbed = await context.getEmbedding('Hello!', { pooling: PoolingStrategy.Last });

// Whatever the model declares in its GGUF metadata
console.log(`all-minilm declares: ${model.info.nativePooling}`);
const nativeEmbed = await context.getEmbedding('Hello!', { pooling: PoolingStrategy.Native });

// Or choose once, for every call on a context
const clsContext = new Context(model, { embeddings: true, pooling: PoolingStrategy.First });
const clsEmbed = await clsContext.getEmbedding('Hello!');
// --8<-- [end:pooling]

import assert from 'node:assert/strict';
import { cosineSimilarity } from 'mullama';
assert.equal(model.info.nativePooling, PoolingStrategy.Mean);
assert.ok(cosineSimilarity(meanEmbed.data, nativeEmbed.data) > 0.99999);
assert.ok(cosineSimilarity(meanEmbed.data, lastEmbed.data) < 0.999);
assert.ok(cosineSimilarity(meanEmbed.data, clsEmbed.data) < 0.999);
context.close();
clsContext.close();
