// --8<-- [start:decoder]
import { Model, Context, PoolingStrategy } from 'mullama';

// A decoder-only LLM (SmolLM2-135M, llama architecture) declares no pooling of its own
const llm = await Model.load('./smollm2-135m.gguf');
console.log(`${llm.info.architecture}, encoder: ${llm.info.isEncoder}, pooling: ${llm.info.nativePooling ?? 'none'}`);

// Its last token has read the whole text: the usual vector for decoders
const context = new Context(llm, { embeddings: true, pooling: PoolingStrategy.Last });
const embedding = await context.getEmbedding('Hello!');
console.log(`Dimension: ${embedding.dimension}`);
// --8<-- [end:decoder]

import assert from 'node:assert/strict';
assert.equal(llm.info.isEncoder, false);
assert.equal(llm.info.nativePooling, undefined);
assert.equal(embedding.dimension, 576);
await assert.rejects(context.getEmbedding('Hello!', { pooling: PoolingStrategy.Native }), (e) => e.code === 'POOLING_UNSUPPORTED');
context.close();
