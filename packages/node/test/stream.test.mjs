// Context.stream in Node: batches back in push order with the vectors of one call, a bounded
// number pending, progress that counts computed vectors, a failing batch reported in its place.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Context, EmbeddingStream, Model, cosineSimilarity } from '../dist/index.mjs';
import { testdata } from './helpers.mjs';

let model;
beforeAll(async () => {
  model = await Model.load(testdata('tiny-bert.gguf'));
});
const contexts = [];
const context = (params = {}) => {
  const c = new Context(model, { embeddings: true, ...params });
  contexts.push(c);
  return c;
};
afterAll(() => contexts.forEach((c) => c.close()));

const texts = Array.from({ length: 100 }, (_, i) => `text ${i} about ${['cats', 'rivers', 'markets'][i % 3]}`);

it('gives every batch back in push order, as one call would', async () => {
  const ctx = context();
  const whole = await ctx.getEmbeddingBatch(texts);
  const s = ctx.stream({ normalize: true });
  expect(s).toBeInstanceOf(EmbeddingStream);
  const got = [];
  let most = 0;
  for (let i = 0; i < texts.length; i += 16) {
    s.push(texts.slice(i, i + 16));
    most = Math.max(most, s.progress().pending);
    if (s.progress().pending >= 3) got.push(...(await s.next()));
  }
  while (s.progress().pending > 0) got.push(...(await s.next()));
  expect(await s.next()).toEqual([]);
  expect(most).toBe(3);
  expect(got).toHaveLength(texts.length);
  got.forEach((e, i) => expect(cosineSimilarity(e.data, whole[i].data)).toBeGreaterThan(0.9999));
  const p = s.progress();
  expect(p).toMatchObject({ pushed: 100, embedded: 100, delivered: 100, pending: 0 });
  expect(p.tokens).toBe(got.reduce((n, e) => n + e.tokens, 0));
});

it('reports a failing batch in its place and goes on', async () => {
  const ctx = context({ nCtx: 16 });
  const s = ctx.stream();
  s.push(['ab', 'cd']);
  s.push(['ef', 'this text is much too long for sixteen tokens of context']);
  s.push(['gh']);
  expect(await s.next()).toHaveLength(2);
  await expect(s.next()).rejects.toMatchObject({ code: 'INPUT_TOO_LONG', message: expect.stringMatching(/^the batch of texts 2 to 3: text 1: /) });
  expect(await s.next()).toHaveLength(1);
});

it('refuses bad options at once and pushes after close', () => {
  const ctx = context();
  expect(() => ctx.stream({ dimensions: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  const s = ctx.stream();
  expect(() => s.push(['bad \ud800 text'])).toThrow(expect.objectContaining({ code: 'INVALID_UTF8' }));
  ctx.close();
  expect(() => s.push(['x'])).toThrow(expect.objectContaining({ code: 'CONTEXT_CLOSED' }));
});
