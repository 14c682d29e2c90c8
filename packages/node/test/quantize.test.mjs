// Quantized vectors and embedding spaces as Node sees them: typed arrays of the right kind and
// length, Hamming distances over them, and SPACE_MISMATCH from the similarity functions. (The
// values themselves are checked against sentence-transformers' code in the Python tests, and
// the core computes them for every language.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Context, Model, cosineSimilarity, dotProduct, hammingDistance, quantizationRanges } from '../dist/index.mjs';
import { DEFAULT_MODEL } from './helpers.mjs';

let model;
let ctx;
beforeAll(async () => {
  model = await Model.load(DEFAULT_MODEL);
  ctx = new Context(model, { embeddings: true });
});
afterAll(() => ctx?.close());

const texts = ['A man is eating food.', 'A man is eating pasta.', 'The girl is carrying a baby.', 'A monkey is playing drums.'];

describe('precision', () => {
  it('gives Int8Array for int8 and binary, Uint8Array for uint8 and ubinary', async () => {
    const ranges = quantizationRanges((await ctx.getEmbeddingBatch(texts)).map((e) => e.data));
    expect(ranges).toBeInstanceOf(Float32Array);
    expect(ranges).toHaveLength(2 * 384);
    const want = { int8: [Int8Array, 384], uint8: [Uint8Array, 384], binary: [Int8Array, 48], ubinary: [Uint8Array, 48] };
    for (const [precision, [type, length]] of Object.entries(want)) {
      const [e] = await ctx.getEmbeddingBatch([texts[0]], { precision, ranges });
      expect(e.quantized, precision).toBeInstanceOf(type);
      expect(e.quantized).toHaveLength(length);
      expect(e.data).toHaveLength(384); // the float vector stays
    }
    const [plain] = await ctx.getEmbeddingBatch([texts[0]]);
    expect(plain.quantized).toBeUndefined();
  });

  it('takes ranges as a plain array too, and refuses int8 of one text without them', async () => {
    const ranges = Array.from(quantizationRanges((await ctx.getEmbeddingBatch(texts)).map((e) => e.data)));
    const [e] = await ctx.getEmbeddingBatch([texts[0]], { precision: 'uint8', ranges });
    expect(e.quantized).toBeInstanceOf(Uint8Array);
    await expect(ctx.getEmbedding(texts[0], { precision: 'int8' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(ctx.getEmbedding(texts[0], { precision: 'int8', ranges: [0, 1] })).rejects.toMatchObject({ code: 'DIMENSION_MISMATCH' });
  });

  it('ranks by Hamming distance over packed bits', async () => {
    const [query, ...docs] = await ctx.getEmbeddingBatch(['Someone is eating spaghetti.', ...texts], { precision: 'ubinary' });
    const distances = docs.map((d) => hammingDistance(query.quantized, d.quantized));
    const nearest = distances.indexOf(Math.min(...distances));
    expect(texts[nearest]).toMatch(/eating/);
    expect(hammingDistance(query.quantized, query.quantized)).toBe(0);
    expect(() => hammingDistance(query.quantized, query.quantized.subarray(1))).toThrow(expect.objectContaining({ code: 'DIMENSION_MISMATCH' }));
  });
});

describe('embedding spaces', () => {
  it('lets embeddings of one space be compared and refuses two spaces', async () => {
    const [a, b] = await ctx.getEmbeddingBatch(texts.slice(0, 2));
    expect(a.space).toMatch(/^[0-9a-f]{16}$/);
    expect(b.space).toBe(a.space);
    expect(cosineSimilarity(a, b)).toBeCloseTo(cosineSimilarity(a.data, b.data), 6);
    const [short] = await ctx.getEmbeddingBatch(texts.slice(0, 1), { dimensions: 64 });
    expect(short.space).not.toBe(a.space);
    expect(() => cosineSimilarity(a, short)).toThrow(expect.objectContaining({ code: 'SPACE_MISMATCH' }));
    expect(() => dotProduct(a, { data: a.data, space: short.space })).toThrow(expect.objectContaining({ code: 'SPACE_MISMATCH' }));
    expect(model.info.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });
});
