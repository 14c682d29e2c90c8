// The official clients, unchanged, against `mullama serve` on loopback: the `ollama` and `openai`
// npm packages here, and the `ollama` and `openai` Python packages (the venv's, through
// clients.py). Every vector they get must be the one /v1/embeddings gives for the same text.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import cl100k from 'js-tiktoken/ranks/cl100k_base';
import { defaultModelFile, makeHome, pkg, post, repo, startServer, tinyBert } from './helpers.mjs';

const MODEL = 'all-minilm';
const file = defaultModelFile();
const texts = ['why is the sky blue?', 'because of Rayleigh scattering'];
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
const blob = readFileSync(tinyBert);

let h, s, registry;
beforeAll(async () => {
  // A registry speaking Ollama's protocol, for /api/pull.
  registry = createServer((req, res) => {
    if (req.url === '/v2/library/tiny/manifests/latest')
      return res.end(JSON.stringify({ layers: [{ mediaType: 'application/vnd.ollama.image.model', digest: `sha256:${sha256(blob)}`, size: blob.length }] }));
    if (req.url === `/v2/library/tiny/blobs/sha256:${sha256(blob)}`) return res.writeHead(200, { 'content-length': blob.length }).end(blob);
    res.writeHead(404).end();
  });
  await new Promise((r) => registry.listen(0, '127.0.0.1', r));
  h = makeHome({ [`${MODEL}.gguf`]: file });
  s = await startServer([], { ...h.env, MULLAMA_OLLAMA_REGISTRY: `http://127.0.0.1:${registry.address().port}` });
});
afterAll(async () => {
  if (s) expect((await s.stop('SIGTERM')).code).toBe(0);
  registry?.close();
  h?.cleanup();
});

const cosine = (a, b) => {
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return d / Math.sqrt(na * nb);
};
/** The server's own /v1/embeddings vectors (floats) for `input`. */
const reference = async (input, extra = {}) => {
  const r = await post(`${s.url}/v1/embeddings`, { model: MODEL, input, ...extra });
  expect(r.status).toBe(200);
  return r.body.data.map((d) => d.embedding);
};
const expectSame = (got, want) => {
  expect(got).toHaveLength(want.length);
  got.forEach((v, i) => {
    expect(v).toHaveLength(want[i].length);
    expect(cosine(Array.from(v), want[i])).toBeGreaterThan(0.99999);
  });
};

describe('ollama (npm) 0.6.4', () => {
  let ollama;
  beforeAll(() => {
    ollama = new Ollama({ host: s.url });
  });

  test('embed: a list, a string, dimensions; embeddings (legacy)', async () => {
    const want = await reference(texts);
    const r = await ollama.embed({ model: MODEL, input: texts });
    expect(r.model).toBe(MODEL);
    expect(r.prompt_eval_count).toBeGreaterThan(4);
    expectSame(r.embeddings, want);
    expectSame((await ollama.embed({ model: `${MODEL}:latest`, input: texts[0] })).embeddings, [want[0]]);
    const dims = await ollama.embed({ model: MODEL, input: texts[0], dimensions: 8, truncate: true, keep_alive: '5m', options: { num_ctx: 64 } });
    expectSame(dims.embeddings, await reference(texts[0], { dimensions: 8 }));
    expectSame([(await ollama.embeddings({ model: MODEL, prompt: texts[1] })).embedding], [want[1]]);
  });

  test('list, show, ps, version', async () => {
    const { models } = await ollama.list();
    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({
      name: `${MODEL}:latest`,
      model: `${MODEL}:latest`,
      size: statSync(file).size,
      digest: `sha256:${sha256(readFileSync(file))}`,
      details: { format: 'gguf', family: 'bert', families: ['bert'], parameter_size: expect.stringMatching(/^\d+(\.\d+)?[KMB]$/), quantization_level: expect.any(String) },
    });
    expect(Number.isNaN(Date.parse(models[0].modified_at))).toBe(false);
    const show = await ollama.show({ model: MODEL });
    expect(show).toMatchObject({ modelfile: '', parameters: '', template: '', details: { format: 'gguf', family: 'bert' }, capabilities: ['embedding'] });
    const dim = show.model_info['bert.embedding_length'];
    expect(dim).toBe((await reference('x'))[0].length);
    expect(show.model_info).toMatchObject({ 'general.architecture': 'bert', 'bert.context_length': expect.any(Number), 'general.parameter_count': expect.any(Number) });
    expect(show.model_info['tokenizer.ggml.tokens']).toBeNull(); // the vocabulary, left out as Ollama does
    const ps = await ollama.ps();
    expect(ps.models.map((m) => m.model)).toContain(`${MODEL}:latest`); // loaded by the embeds above
    expect(ps.models.find((m) => m.model === `${MODEL}:latest`)).toMatchObject({ size: statSync(file).size, size_vram: 0, context_length: expect.any(Number), details: { format: 'gguf' } });
    expect((await ollama.version()).version).toMatch(/^\d+\.\d+\.\d+/);
  });

  test('errors are ResponseErrors with the status and a message', async () => {
    const err = await ollama.embed({ model: 'no-such-model', input: 'x' }).catch((e) => e);
    expect(err.name).toBe('ResponseError');
    expect(err.status_code).toBe(404);
    expect(err.error).toMatch(/model 'no-such-model' not found/);
    const bad = await ollama.embed({ model: MODEL, input: 'word '.repeat(2000), truncate: false }).catch((e) => e);
    expect(bad.status_code).toBe(400);
    expect(bad.error).toMatch(/token/);
  });

  test('pull: streamed progress into the store, then listed and embedded; stream:false', async () => {
    const events = [];
    for await (const e of await ollama.pull({ model: 'tiny', stream: true })) events.push(e);
    expect(events[0]).toEqual({ status: 'pulling manifest' });
    expect(events.at(-1)).toEqual({ status: 'success' });
    const dl = events.filter((e) => e.status === 'downloading');
    expect(dl.length).toBeGreaterThan(0);
    expect(dl.at(-1)).toEqual({ status: 'downloading', digest: `sha256:${sha256(blob)}`, total: blob.length, completed: blob.length });
    expect(readFileSync(join(h.home, 'models', 'tiny.gguf')).equals(blob)).toBe(true);
    expect((await ollama.list()).models.map((m) => m.name)).toContain('tiny:latest');
    expect((await ollama.embed({ model: 'tiny', input: 'hello' })).embeddings[0]).toHaveLength(64);
    expect(await ollama.pull({ model: 'tiny' })).toEqual({ status: 'success' });
    const miss = await ollama.pull({ model: 'not-in-registry' }).catch((e) => e);
    expect(miss.status_code).toBe(404);
  });
});

describe('openai (npm)', () => {
  let client;
  beforeAll(() => {
    client = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: 'x' });
  });

  test("embeddings.create: the SDK's default (base64, decoded by it), float, dimensions", async () => {
    const want = await reference(texts);
    const r = await client.embeddings.create({ model: MODEL, input: texts });
    expect(r.model).toBe(MODEL);
    expect(r.usage.prompt_tokens).toBeGreaterThan(4);
    expectSame(r.data.map((d) => d.embedding), want);
    const f = await client.embeddings.create({ model: MODEL, input: texts, encoding_format: 'float' });
    expectSame(f.data.map((d) => d.embedding), want);
    const d = await client.embeddings.create({ model: MODEL, input: texts[0], dimensions: 8 });
    expect(d.data[0].embedding).toHaveLength(8);
    expectSame([d.data[0].embedding], await reference(texts[0], { dimensions: 8 }));
  });

  test("encoding_format: 'base64' asked for: the SDK returns the string as is", async () => {
    const r = await client.embeddings.create({ model: MODEL, input: texts[0], encoding_format: 'base64' });
    const buf = Buffer.from(r.data[0].embedding, 'base64');
    expectSame([new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4)], await reference(texts[0]));
  });

  test('errors: the SDK raises its NotFoundError with our code', async () => {
    const err = await client.embeddings.create({ model: 'no-such-model', input: 'x' }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.status).toBe(404);
    expect(err.code).toBe('MODEL_NOT_FOUND');
  });
});

/**
 * tiktoken's cl100k_base table, which it downloads from openaipublic.blob.core.windows.net (not
 * reachable here), written into a TIKTOKEN_CACHE_DIR from js-tiktoken's copy of it: the same
 * bytes, or tiktoken's own sha256 check refuses the file and tries the network.
 */
function tiktokenCache() {
  const dir = join(repo, 'target', 'tiktoken-cache');
  const tokens = [];
  for (const line of cl100k.bpe_ranks.split('\n')) {
    const [, first, ...toks] = line.split(' ');
    if (first !== undefined) toks.forEach((t, i) => tokens.push([Number(first) + i, t]));
  }
  tokens.sort((a, b) => a[0] - b[0]);
  mkdirSync(dir, { recursive: true });
  // tiktoken's cache key: the sha1 of the table's URL.
  const url = 'https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken';
  writeFileSync(join(dir, createHash('sha1').update(url).digest('hex')), tokens.map(([r, t]) => `${t} ${r}\n`).join(''));
  return dir;
}

test("the Python clients: ollama, openai and LangChain's two classes, from the venv", async () => {
  const python = join(repo, '.venv', 'bin', 'python');
  expect(existsSync(python), `${python} is missing: run scripts/setup.sh test`).toBe(true);
  const { code, stdout, stderr } = await new Promise((resolve, reject) => {
    const child = spawn(python, [join(pkg, 'test', 'clients.py'), s.url, MODEL], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OLLAMA_HOST: '', TIKTOKEN_CACHE_DIR: tiktokenCache() } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
  });
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const r = JSON.parse(stdout);
  const want = await reference(texts);
  expectSame(r.ollama_embed, want);
  expect(r.ollama_embed_model).toBe(MODEL);
  expectSame([r.ollama_embed_one], [want[0]]);
  expectSame([r.ollama_embed_dims], await reference(texts[0], { dimensions: 8 }));
  expectSame([r.ollama_embeddings], [want[0]]);
  const listed = r.ollama_list.find((m) => m.model === `${MODEL}:latest`);
  expect(listed).toMatchObject({ size: statSync(file).size, digest: `sha256:${sha256(readFileSync(file))}`, format: 'gguf', family: 'bert' });
  expect(r.ollama_show).toMatchObject({ family: 'bert', format: 'gguf', capabilities: ['embedding'], modelfile: '' });
  expect(r.ollama_show.modelinfo).toMatchObject({ 'general.architecture': 'bert', 'bert.embedding_length': want[0].length, 'bert.context_length': expect.any(Number) });
  expect(r.ollama_ps).toContain(`${MODEL}:latest`);
  expect(r.ollama_error).toEqual({ error: expect.stringMatching(/model 'no-such-model' not found/), is_str: true, status_code: 404 });
  expectSame(r.openai, want);
  expectSame(r.openai_float, want);
  expect(r.openai_usage).toBeGreaterThan(4);
  expectSame([r.openai_dims], await reference(texts[0], { dimensions: 8 }));
  expect(r.openai_error).toEqual({ status_code: 404, code: 'MODEL_NOT_FOUND' });
  // text-embeddings-inference's client (huggingface_hub), on the server's default model.
  expectSame(r.tei, want);
  expectSame(r.tei_one, [want[0]]);
  // LangChain with its defaults: OpenAIEmbeddings sends cl100k_base token ids, OllamaEmbeddings /api/embed.
  expect(r.langchain_openai_sent_token_ids).toBe(true);
  expectSame(r.langchain_openai, want);
  expectSame([r.langchain_openai_query], [want[0]]);
  expectSame(r.langchain_ollama, want);
  expectSame([r.langchain_ollama_query], [want[0]]);
});
