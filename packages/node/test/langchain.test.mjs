// mullama/langchain with the real @langchain/core: the library's vectors, the document prompt for
// documents and the query prompt for queries, one copy of the classes for ESM and CommonJS.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Embeddings } from '@langchain/core/embeddings';
import { Context, Model, convertModel } from '../dist/index.mjs';
import { MullamaEmbeddings } from '../dist/langchain.mjs';
import { DEFAULT_MODEL, TESTDATA } from './helpers.mjs';

let dir;
let model;
let ctx;
beforeAll(async () => {
  // tiny-bert converted with sentence-transformers prompts, as e5 declares them.
  dir = mkdtempSync(join(tmpdir(), 'mullama-langchain-'));
  cpSync(join(TESTDATA, 'tiny-bert-hf'), join(dir, 'hf'), { recursive: true });
  writeFileSync(join(dir, 'hf', 'config_sentence_transformers.json'), JSON.stringify({ prompts: { query: 'query: ', document: 'passage: ' } }));
  await convertModel(join(dir, 'hf'), join(dir, 'e5.gguf'));
  model = await Model.load(join(dir, 'e5.gguf'));
  ctx = new Context(model, { embeddings: true });
});
afterAll(() => {
  ctx?.close();
  rmSync(dir, { recursive: true, force: true });
});

const close = (a, b) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) < 1e-5);

it('embeds documents and queries with their prompts', async () => {
  expect(model.info.queryPrompt).toBe('query: ');
  const emb = new MullamaEmbeddings(ctx, { normalize: true });
  expect(emb).toBeInstanceOf(Embeddings);
  const docs = ['the cat sat on the mat', 'stock markets fell'];
  const got = await emb.embedDocuments(docs);
  const want = await ctx.getEmbeddingBatch(docs, { prompt: 'passage: ', normalize: true });
  got.forEach((v, i) => expect(close(v, Array.from(want[i].data))).toBe(true));
  const query = await emb.embedQuery('where is the cat?');
  const wantQuery = await ctx.getEmbedding('where is the cat?', { prompt: 'query: ', normalize: true });
  const plain = await ctx.getEmbedding('where is the cat?', { normalize: true });
  expect(close(query, Array.from(wantQuery.data))).toBe(true);
  expect(close(query, Array.from(plain.data))).toBe(false);
  expect(await emb.embedDocuments([])).toEqual([]);
  expect(() => new MullamaEmbeddings(ctx, { role: 'query' })).toThrow(TypeError);
});

it('loads a model by path, and works from CommonJS', async () => {
  const emb = await MullamaEmbeddings.load(DEFAULT_MODEL);
  expect(await emb.embedQuery('hello')).toHaveLength(384);
  emb.context.close();
  const require = createRequire(import.meta.url);
  const cjs = require('../dist/langchain.cjs');
  // CommonJS gets @langchain/core's CommonJS build, whose classes are its own.
  const fromCjs = new cjs.MullamaEmbeddings(ctx);
  expect(fromCjs).toBeInstanceOf(require('@langchain/core/embeddings').Embeddings);
  expect(close(await fromCjs.embedQuery('hi'), await new MullamaEmbeddings(ctx).embedQuery('hi'))).toBe(true);
});
