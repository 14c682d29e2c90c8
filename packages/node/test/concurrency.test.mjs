// Overlapping calls are packed into shared decodes by the core; their vectors must match
// sequential calls (up to ggml's batch-size-dependent rounding, see core-native/tests/engine.rs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Context, Model, normalize } from '../dist/index.mjs';
import { DEFAULT_MODEL, REPO_DIR } from './helpers.mjs';

const corpus = join(REPO_DIR, 'scenarios', 'corpus', 'short.txt');
const texts = readFileSync(corpus, 'utf8').split('\n').filter((l) => l.trim()).slice(0, 100);

let model, context;
beforeAll(async () => {
  model = await Model.load(DEFAULT_MODEL);
  context = new Context(model, { embeddings: true });
});
afterAll(() => context?.close());

function maxAbsDiff(a, b) {
  const [x, y] = [normalize(a), normalize(b)];
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

describe('concurrency', () => {
  it('100 concurrent getEmbedding calls equal sequential calls', async () => {
    expect(texts).toHaveLength(100);
    const sequential = [];
    for (const t of texts) sequential.push(await context.getEmbedding(t));
    const concurrent = await Promise.all(texts.map((t) => context.getEmbedding(t)));
    let worst = 0;
    concurrent.forEach((e, i) => {
      expect(e.dimension).toBe(384);
      expect(e.tokens).toBe(sequential[i].tokens);
      worst = Math.max(worst, maxAbsDiff(e.data, sequential[i].data));
    });
    expect(worst).toBeLessThanOrEqual(5e-4);
  });

  it('getEmbeddingBatch equals getEmbedding, in input order', async () => {
    const batch = await context.getEmbeddingBatch(texts.slice(0, 32));
    for (let i = 0; i < 32; i++) {
      expect(maxAbsDiff(batch[i].data, (await context.getEmbedding(texts[i])).data)).toBeLessThanOrEqual(5e-4);
    }
  });

  it('1,000 concurrent single-text calls share micro-batches (no thread per call)', async () => {
    // A fresh context, so its counters hold only these calls.
    const ctx = new Context(model, { embeddings: true });
    try {
      const many = Array.from({ length: 1000 }, (_, i) => texts[i % texts.length]);
      const out = await Promise.all(many.map((t) => ctx.getEmbedding(t)));
      expect(out).toHaveLength(1000);
      out.forEach((e, i) => expect(e.tokens).toBe(out[i % texts.length].tokens));
      const stats = ctx.stats();
      expect(stats.calls).toBe(1000);
      expect(stats.texts).toBe(1000);
      expect(stats.tokens).toBe(out.reduce((n, e) => n + e.tokens, 0));
      // One decode per call would be 1,000; the budget (256 tokens) is the floor.
      expect(stats.batches).toBeGreaterThanOrEqual(Math.ceil(stats.tokens / 256));
      expect(stats.batches).toBeLessThan(250);
    } finally {
      ctx.close();
    }
  });

  it('the JS thread stays free while embedding', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await context.getEmbeddingBatch(texts);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
  });
});
