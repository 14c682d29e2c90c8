// Bad inputs give MullamaErrors with stable codes, and the process survives them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Context,
  ErrorCode,
  Model,
  MullamaError,
  PoolingStrategy,
  cosineSimilarity,
  dotProduct,
  normalize,
} from '../dist/index.mjs';
import { DEFAULT_MODEL, testdata } from './helpers.mjs';

let model, context;
beforeAll(async () => {
  model = await Model.load(DEFAULT_MODEL);
  context = new Context(model, { embeddings: true });
});
afterAll(() => context?.close());

/** The MullamaError a call throws or rejects with (fails the test if it succeeds). */
async function errorOf(promiseOrFn) {
  try {
    await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
  } catch (e) {
    expect(e).toBeInstanceOf(MullamaError);
    return e;
  }
  throw new Error('expected an error, the call succeeded');
}

async function codeOf(promiseOrFn) {
  try {
    await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
  } catch (e) {
    expect(e).toBeInstanceOf(MullamaError);
    expect(e).toBeInstanceOf(Error);
    expect(typeof e.message).toBe('string');
    expect(e.message.length).toBeGreaterThan(0);
    return e.code;
  }
  throw new Error('expected an error');
}

describe('typed errors', () => {
  it('EMPTY_INPUT for an empty text, alone or in a batch', async () => {
    expect(await codeOf(context.getEmbedding(''))).toBe(ErrorCode.EmptyInput);
    expect(await codeOf(context.getEmbeddingBatch(['fine', '']))).toBe('EMPTY_INPUT');
  });

  it('MODEL_NOT_FOUND for a missing file', async () => {
    expect(await codeOf(Model.load('/nonexistent/model.gguf'))).toBe('MODEL_NOT_FOUND');
  });

  it('MODEL_INVALID for a file that is not a GGUF, and for a truncated GGUF', async () => {
    expect(await codeOf(Model.load(testdata('not-a-gguf.gguf')))).toBe('MODEL_INVALID');
    expect(await codeOf(Model.load(testdata('corrupt-truncated.gguf')))).toBe('MODEL_INVALID');
  });

  it('INPUT_TOO_LONG with a small nCtx, and truncation when asked', async () => {
    const small = new Context(model, { embeddings: true, nCtx: 8 });
    const long = 'the quick brown fox jumps over the lazy dog again and again';
    expect(await codeOf(small.getEmbedding(long))).toBe('INPUT_TOO_LONG');
    const cut = new Context(model, { embeddings: true, nCtx: 8, overflow: 'truncate_end' });
    const e = await cut.getEmbedding(long);
    expect(e.truncated).toBe(true);
    expect(e.tokens).toBe(8);
    expect(e.inputTokens).toBeGreaterThan(8);
    small.close();
    cut.close();
  });

  it('POOLING_UNSUPPORTED for Native pooling on a decoder without pooling', async () => {
    const llama = await Model.load(testdata('tiny-llama.gguf'));
    expect(llama.info.nativePooling).toBeUndefined();
    const ctx = new Context(llama, { embeddings: true });
    expect(await codeOf(ctx.getEmbedding('hello', { pooling: PoolingStrategy.Native }))).toBe('POOLING_UNSUPPORTED');
    expect((await ctx.getEmbedding('hello', { pooling: PoolingStrategy.Last })).dimension).toBe(llama.info.dimension);
    ctx.close();
  });

  it('CONTEXT_CLOSED after close()', async () => {
    const ctx = new Context(model, { embeddings: true });
    ctx.close();
    expect(await codeOf(ctx.getEmbedding('hello'))).toBe('CONTEXT_CLOSED');
    expect(await codeOf(ctx.getEmbeddingBatch(['hello']))).toBe('CONTEXT_CLOSED');
    ctx.close(); // idempotent
  });

  it('DIMENSION_MISMATCH in cosineSimilarity and dotProduct', async () => {
    expect(await codeOf(() => cosineSimilarity(new Float32Array(3), new Float32Array(4)))).toBe('DIMENSION_MISMATCH');
    expect(await codeOf(() => dotProduct([1, 2], [1, 2, 3]))).toBe('DIMENSION_MISMATCH');
  });

  it('INVALID_ARGUMENT for wrong argument types and bad parameters', async () => {
    expect(await codeOf(context.getEmbedding(42))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(context.getEmbeddingBatch('not an array'))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(context.getEmbedding('x', { pooling: 'bogus' }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(Model.load(undefined))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(() => new Context({}, { embeddings: true }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(() => new Context(model, { embeddings: false }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(() => new Context(model, { nThreads: 1, nWorkers: 2 }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(() => cosineSimilarity('a', 'b'))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(() => normalize({}))).toBe('INVALID_ARGUMENT');
  });

  // napi's own u32 conversion would wrap these (2**32 + 5 -> 5, -1 -> 4294967295, 1.5 -> 1,
  // NaN -> 0) and run with a value nobody asked for; the glue refuses them, naming the field.
  it('INVALID_ARGUMENT for numbers that are not integers in the native range', async () => {
    for (const v of [2 ** 32 + 5, -1, 1.5, NaN, Infinity, 2 ** 53]) {
      const e = await errorOf(() => new Context(model, { nCtx: v }));
      expect([e.code, e.message]).toEqual(['INVALID_ARGUMENT', expect.stringMatching(/^nCtx must be an integer from 0 to 4294967295; got /)]);
      expect((await errorOf(context.getEmbedding('x', { dimensions: v }))).code).toBe('INVALID_ARGUMENT');
      expect((await errorOf(context.getEmbedding('x', { maxTokens: v }))).code).toBe('INVALID_ARGUMENT');
      expect((await errorOf(() => model.tokenize('x', v))).code).toBe('INVALID_ARGUMENT');
    }
    expect((await errorOf(() => new Context(model, { nBatch: 2 ** 32 }))).message).toMatch(/^nBatch must be/);
  });

  it('the process survives all of the above and still embeds', async () => {
    const e = await context.getEmbedding('still alive');
    expect(e.data).toBeInstanceOf(Float32Array);
    expect(e.data.length).toBe(384);
  });
});

describe('API surface', () => {
  it('model.info has the IDL fields', () => {
    const info = model.info;
    expect(info).toMatchObject({ architecture: 'bert', dimension: 384, isEncoder: true, nativePooling: 'mean' });
    expect(info.path).toBe(DEFAULT_MODEL);
    for (const k of ['contextLength', 'vocabSize', 'sizeBytes', 'parameters']) expect(typeof info[k]).toBe('number');
  });

  it('enums are string-valued', () => {
    expect(PoolingStrategy.Mean).toBe('mean');
    expect(PoolingStrategy.Native).toBe('native');
    expect(Object.values(PoolingStrategy).sort()).toEqual(['first', 'last', 'max', 'mean', 'native']);
  });

  it('Embedding has the IDL fields; normalize accepts arrays', async () => {
    const e = await context.getEmbedding('Hello, world!', { normalize: true });
    expect(Object.keys(e).sort()).toEqual(['data', 'dimension', 'inputTokens', 'space', 'tokens', 'truncated']); // optional fields (prompt, quantized) absent
    expect(e.truncated).toBe(false);
    expect(e.tokens).toBe(e.inputTokens);
    expect(Math.hypot(...e.data)).toBeCloseTo(1, 4);
    expect(Array.from(normalize([3, 4]))).toEqual([0.6000000238418579, 0.800000011920929]);
    expect(cosineSimilarity([1, 0], new Float32Array([1, 0]))).toBe(1);
  });
});
