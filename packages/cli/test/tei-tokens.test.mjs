// text-embeddings-inference's token routes: POST /tokenize (TEI's SimpleTokens, UTF-8 byte offsets)
// and POST /embed_all (every token's vector), on the server's default model, errors in TEI's shape.
// Checked against the Node package the server runs on.
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Context, Model, convertModel } from 'mullama';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeHome, post, startServer, testdata, tinyBert, tinyReranker } from './helpers.mjs';

let h;
let bert; // --model tiny-bert
let e5; // tiny-bert converted with e5's prompts, for prompt_name
let reranker; // --model tiny-reranker
let model;
let e5Model;
beforeAll(async () => {
  h = makeHome({ 'tiny-bert.gguf': tinyBert, 'tiny-reranker.gguf': tinyReranker });
  cpSync(join(testdata, 'tiny-bert-hf'), join(h.home, 'hf'), { recursive: true });
  writeFileSync(join(h.home, 'hf', 'config_sentence_transformers.json'), JSON.stringify({ prompts: { query: 'query: ', document: 'passage: ' } }));
  await convertModel(join(h.home, 'hf'), join(h.home, 'models', 'e5.gguf'));
  [bert, e5, reranker] = await Promise.all([
    startServer(['--model', 'tiny-bert', '--max-inputs', '8'], h.env),
    startServer(['--model', 'e5'], h.env),
    startServer(['--model', 'tiny-reranker'], h.env),
  ]);
  model = await Model.load(tinyBert);
  e5Model = await Model.load(join(h.home, 'models', 'e5.gguf'));
});
afterAll(async () => {
  for (const s of [bert, e5, reranker]) if (s) expect((await s.stop('SIGTERM')).code).toBe(0);
  h.cleanup();
});

/** The bytes of `text` a token covers, by its UTF-8 byte offsets. */
const covered = (text, t) => Buffer.from(text, 'utf8').subarray(t.start, t.stop).toString('utf8');
/** The mean of a list of vectors. */
const mean = (rows) => rows[0].map((_, j) => rows.reduce((a, r) => a + r[j], 0) / rows.length);
const close = (a, b, tol = 1e-5) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) < tol);

test('/tokenize: the model\'s tokens, with byte offsets that give back each word', async () => {
  const text = 'Hello, world!';
  const r = await post(`${bert.url}/tokenize`, { inputs: text });
  expect(r.status).toBe(200);
  // A single string is still a list of one list, as TEI answers it.
  expect(r.body).toHaveLength(1);
  const tokens = r.body[0];
  expect(tokens.map((t) => t.id)).toEqual(model.tokenizeWithOffsets(text).map((t) => t.id));
  const [first, last] = [tokens[0], tokens.at(-1)];
  expect(first).toEqual({ id: first.id, text: '[CLS]', special: true, start: null, stop: null });
  expect(last).toMatchObject({ text: '[SEP]', special: true, start: null, stop: null });
  const words = tokens.filter((t) => !t.special);
  expect(words.map((t) => covered(text, t).toLowerCase())).toEqual(['hello', ',', 'world', '!']);
  // TEI's `text` is the part of the input a token covers, in the input's spelling.
  for (const t of words) expect(t.text).toBe(covered(text, t));
  expect(words[0].text).toBe('Hello');
});

test('/tokenize: offsets count UTF-8 bytes, not characters', async () => {
  const text = 'naïve café';
  const [tokens] = (await post(`${bert.url}/tokenize`, { inputs: text })).body;
  const words = tokens.filter((t) => !t.special);
  // ï is two bytes: the second word starts at byte 7, character 6.
  expect(words.at(-1)).toMatchObject({ start: 7, stop: 12, text: 'café' });
  for (const t of words) expect(covered(text, t)).toBe(t.text);
});

test('/tokenize: add_special_tokens false drops [CLS] and [SEP]; a list gives a list per input', async () => {
  const r = await post(`${bert.url}/tokenize`, { inputs: ['Hello, world!', 'again'], add_special_tokens: false });
  expect(r.status).toBe(200);
  expect(r.body).toHaveLength(2);
  expect(r.body.flat().some((t) => t.special)).toBe(false);
  expect(r.body[0].map((t) => t.id)).toEqual(model.tokenizeWithOffsets('Hello, world!').filter((t) => !t.special).map((t) => t.id));
  // A word's pieces cover it whole: TEI's texts are the input's, without WordPiece's `##`.
  expect(r.body[1].map((t) => t.text).join('')).toBe('again');
  expect(r.body[1].length).toBeGreaterThan(1);
});

test('/tokenize with prompt_name: the prompt\'s tokens first, and offsets that count its bytes (as TEI\'s)', async () => {
  const text = 'Hello, world!';
  const r = await post(`${e5.url}/tokenize`, { inputs: text, prompt_name: 'query' });
  expect(r.status).toBe(200);
  const tokens = r.body[0];
  expect(tokens.map((t) => t.id)).toEqual(e5Model.tokenizeWithOffsets(`query: ${text}`).map((t) => t.id));
  const words = tokens.filter((t) => !t.special);
  expect(words.map((t) => t.text)).toEqual(['query', ':', 'Hello', ',', 'world', '!']);
  expect(words[2]).toMatchObject({ start: 'query: '.length, stop: 'query: Hello'.length });
  // No prompt_name: the model's default prompt, which this one has none of.
  const plain = await post(`${e5.url}/tokenize`, { inputs: text });
  expect(plain.body[0].map((t) => t.id)).toEqual(model.tokenizeWithOffsets(text).map((t) => t.id));
});

test.each([
  [{ inputs: '' }, 'EMPTY_INPUT'],
  [{ inputs: ['a', ''] }, 'EMPTY_INPUT'],
  [{ inputs: '', prompt_name: 'query' }, 'EMPTY_INPUT'],
  [{ inputs: [] }, 'EMPTY_INPUT'],
  [{ inputs: Array(9).fill('x') }, 'TOO_MANY_INPUTS'],
  [{ inputs: [[1, 2]] }, 'UNSUPPORTED_INPUT'],
  [{ inputs: 'x', add_special_tokens: 'no' }, 'INVALID_ARGUMENT'],
  [{ inputs: 'x', prompt_name: 'summary' }, 'INVALID_ARGUMENT'],
  [{}, 'INVALID_ARGUMENT'],
])('/tokenize %j -> 400 %s', async (body, code) => {
  const r = await post(`${bert.url}/tokenize`, body);
  expect(r.status).toBe(400);
  expect(r.body).toMatchObject({ error_type: 'Validation', code });
  expect(typeof r.body.error).toBe('string');
});

test('/embed_all: a vector per token per input, whose mean is /embed\'s unnormalised vector', async () => {
  const info = await fetch(`${bert.url}/info`).then((x) => x.json());
  // /embed pools by the mean of every token's vector (special tokens included) on this model.
  expect(info.model_type).toEqual({ embedding: { pooling: 'mean' } });
  const texts = ['Hello, world!', 'again'];
  const r = await post(`${bert.url}/embed_all`, { inputs: texts });
  expect(r.status).toBe(200);
  expect(r.body).toHaveLength(2);
  r.body.forEach((rows, i) => {
    expect(rows).toHaveLength(model.tokenizeWithOffsets(texts[i]).length);
    for (const row of rows) expect(row).toHaveLength(info.dimension);
  });
  const pooled = await post(`${bert.url}/embed`, { inputs: texts, normalize: false });
  r.body.forEach((rows, i) => expect(close(mean(rows), pooled.body[i])).toBe(true));
  // The raw hidden states: not scaled to unit length.
  expect(Math.hypot(...r.body[0][1])).not.toBeCloseTo(1, 2);
  const one = await post(`${bert.url}/embed_all`, { inputs: 'again' });
  expect(one.body).toHaveLength(1);
  expect(close(one.body[0].flat(), r.body[1].flat())).toBe(true);
});

test('/embed_all with prompt_name: the prompted text\'s tokens, as /embed embeds it', async () => {
  const text = 'Hello, world!';
  const r = await post(`${e5.url}/embed_all`, { inputs: text, prompt_name: 'query' });
  expect(r.status).toBe(200);
  expect(r.body[0]).toHaveLength(e5Model.tokenizeWithOffsets(`query: ${text}`).length);
  const pooled = await post(`${e5.url}/embed`, { inputs: text, prompt_name: 'query', normalize: false });
  expect(close(mean(r.body[0]), pooled.body[0])).toBe(true);
  const ctx = new Context(e5Model, { embeddings: true });
  try {
    const [lib] = await ctx.getTokenEmbeddings([text], { role: 'query', normalize: false });
    expect(close(r.body[0].flat(), Array.from(lib.data))).toBe(true);
  } finally {
    ctx.close();
  }
});

test('/embed_all: truncate and truncation_direction as /embed has them', async () => {
  const { max_input_length: max } = await fetch(`${bert.url}/info`).then((x) => x.json());
  const long = 'word '.repeat(400);
  const refused = await post(`${bert.url}/embed_all`, { inputs: long });
  expect(refused.status).toBe(400);
  expect(refused.body).toMatchObject({ error_type: 'Validation', code: 'INPUT_TOO_LONG' });
  const right = await post(`${bert.url}/embed_all`, { inputs: long + 'tail', truncate: true });
  const left = await post(`${bert.url}/embed_all`, { inputs: 'head ' + long, truncate: true, truncation_direction: 'Left' });
  expect(right.status).toBe(200);
  expect(left.status).toBe(200);
  expect(right.body[0]).toHaveLength(max);
  expect(left.body[0]).toHaveLength(max);
  // Each keeps /embed's tokens: the same mean as /embed's vector of the same request.
  const pooled = await post(`${bert.url}/embed`, { inputs: 'head ' + long, truncate: true, truncation_direction: 'left', normalize: false });
  expect(close(mean(left.body[0]), pooled.body[0])).toBe(true);
  expect(close(mean(right.body[0]), mean(left.body[0]))).toBe(false);
});

test('/embed_all counts its texts and tokens in /metrics', async () => {
  const count = async (name) => {
    const text = await fetch(`${bert.url}/metrics`).then((x) => x.text());
    return Number(new RegExp(`^${name}\\{model="tiny-bert"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  };
  const [texts, tokens] = [await count('mullama_texts_total'), await count('mullama_tokens_total')];
  const r = await post(`${bert.url}/embed_all`, { inputs: ['one', 'two three'] });
  expect(await count('mullama_texts_total')).toBe(texts + 2);
  expect(await count('mullama_tokens_total')).toBe(tokens + r.body[0].length + r.body[1].length);
});

test.each([
  [{ inputs: [] }, 'EMPTY_INPUT'],
  [{ inputs: ['a', ''] }, 'EMPTY_INPUT'],
  [{ inputs: Array(9).fill('x') }, 'TOO_MANY_INPUTS'],
  [{ inputs: 'x', truncation_direction: 'Up' }, 'INVALID_ARGUMENT'],
  [{ inputs: 'x', prompt_name: 'summary' }, 'INVALID_ARGUMENT'],
  [{}, 'INVALID_ARGUMENT'],
])('/embed_all %j -> 400 %s', async (body, code) => {
  const r = await post(`${bert.url}/embed_all`, body);
  expect(r.status).toBe(400);
  expect(r.body).toMatchObject({ error_type: 'Validation', code });
});

test('a reranker computes no token vectors; it still tokenizes', async () => {
  const r = await post(`${reranker.url}/embed_all`, { inputs: 'Hello, world!' });
  expect(r.status).toBe(400);
  expect(r.body).toMatchObject({ error_type: 'Validation', code: 'MODEL_UNSUPPORTED' });
  expect(r.body.error).not.toMatch(/\//); // no server paths in the message
  const t = await post(`${reranker.url}/tokenize`, { inputs: 'Hello, world!' });
  expect(t.status).toBe(200);
  expect(t.body[0].filter((x) => !x.special).map((x) => x.text)).toEqual(['Hello', ',', 'world', '!']);
});
