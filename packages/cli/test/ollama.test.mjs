// Ollama's routes over plain HTTP: their shapes, Ollama's error shape on every /api/* route,
// empty inputs, dimensions, /api/pull's stream and its failures, --ollama.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createServer as netServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, makeHome, post, run, startServer, tinyBert, tinyLlama } from './helpers.mjs';

const blob = readFileSync(tinyBert);
const sha = createHash('sha256').update(blob).digest('hex');
let h, s, registry, registryUrl, blobs;

beforeAll(async () => {
  // An Ollama registry: `tiny` is tiny-bert; `badsum`'s manifest names a digest its blob does not have.
  registry = createServer((req, res) => {
    const manifest = (digest) => res.end(JSON.stringify({ layers: [{ mediaType: 'application/vnd.ollama.image.model', digest: `sha256:${digest}`, size: blob.length }] }));
    if (req.url === '/v2/library/tiny/manifests/latest') return manifest(sha);
    if (req.url === '/v2/library/badsum/manifests/latest') return manifest('0'.repeat(64));
    if (req.url === `/v2/library/tiny/blobs/sha256:${sha}` || req.url === `/v2/library/badsum/blobs/sha256:${'0'.repeat(64)}`)
      return res.writeHead(200, { 'content-length': blob.length }).end(blob);
    res.writeHead(404).end();
  });
  await new Promise((r) => registry.listen(0, '127.0.0.1', r));
  registryUrl = `http://127.0.0.1:${registry.address().port}`;
  // A model imported from an Ollama store is a link to a blob named by its digest.
  blobs = mkdtempSync(join(tmpdir(), 'mullama-blobs-'));
  const fakeDigest = 'a'.repeat(64);
  copyFileSync(tinyLlama, join(blobs, `sha256-${fakeDigest}`));
  h = makeHome({ 'tiny-bert.gguf': tinyBert });
  symlinkSync(join(blobs, `sha256-${fakeDigest}`), join(h.home, 'models', 'imported.gguf'));
  s = await startServer([], { ...h.env, MULLAMA_OLLAMA_REGISTRY: registryUrl });
});
afterAll(async () => {
  if (s) expect((await s.stop('SIGTERM')).code).toBe(0);
  registry?.close();
  h?.cleanup();
  if (blobs) rmSync(blobs, { recursive: true, force: true });
});

const get = async (path) => {
  const r = await fetch(`${s.url}${path}`);
  return { status: r.status, body: await r.json() };
};
/** Ollama's error shape: `{"error": "text"}` and nothing else. */
const ollamaError = (r, status, pattern) => {
  expect(r.status).toBe(status);
  expect(Object.keys(r.body)).toEqual(['error']);
  expect(typeof r.body.error).toBe('string');
  if (pattern) expect(r.body.error).toMatch(pattern);
};

test('/api/ps lists nothing before a model is used; /api/version; GET and HEAD /', async () => {
  expect(await get('/api/ps')).toEqual({ status: 200, body: { models: [] } });
  expect((await get('/api/version')).body).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
  const root = await fetch(`${s.url}/`);
  expect(root.status).toBe(200);
  expect(await root.text()).toBe('Ollama is running');
  expect((await fetch(`${s.url}/`, { method: 'HEAD' })).status).toBe(200);
});

describe('/api/embed', () => {
  test('dimensions: the first N values, unit length, as /v1/embeddings gives them', async () => {
    const o = await post(`${s.url}/api/embed`, { model: 'tiny-bert', input: ['hello world', 'again'], dimensions: 8, keep_alive: 0, options: { num_ctx: 32, temperature: 1 } });
    const v = await post(`${s.url}/v1/embeddings`, { model: 'tiny-bert', input: ['hello world', 'again'], dimensions: 8 });
    expect(o.status).toBe(200);
    expect(o.body.embeddings.map((e) => e.length)).toEqual([8, 8]);
    o.body.embeddings.forEach((e, i) => e.forEach((x, j) => expect(x).toBeCloseTo(v.body.data[i].embedding[j], 6)));
    expect(o.body.space).toBe(v.body.data[0].space);
    expect(o.body).toMatchObject({ model: 'tiny-bert', total_duration: expect.any(Number), load_duration: expect.any(Number), prompt_eval_count: v.body.usage.prompt_tokens });
  });

  test('no input, or an empty one, loads the model and embeds nothing (as Ollama)', async () => {
    for (const input of [undefined, '', []]) {
      const r = await post(`${s.url}/api/embed`, { model: 'imported', input });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ model: 'imported', embeddings: [], prompt_eval_count: 0 });
    }
    expect((await get('/api/ps')).body.models.map((m) => m.name).sort()).toEqual(['imported:latest', 'tiny-bert:latest']);
    expect((await post(`${s.url}/api/embeddings`, { model: 'tiny-bert' })).body).toEqual({ embedding: [] });
  });

  test.each([
    [{ model: 'no-such-model', input: 'x' }, 404, /model 'no-such-model' not found; available models: imported, tiny-bert/],
    [{ model: 'tiny-bert', input: 'word '.repeat(2000), truncate: false }, 400, /tokens/],
    [{ model: 'tiny-bert', input: 'x', truncate: 'no' }, 400, /truncate/],
    [{ model: 'tiny-bert', input: 'x', dimensions: 0 }, 400, /dimensions/],
    [{ model: 'tiny-bert', input: 'x', dimensions: 65 }, 400, /dimensions/],
    [{ model: 'tiny-bert', input: 'x', options: 'fast' }, 400, /options/],
    [{ model: 'tiny-bert', input: 'x', keep_alive: [] }, 400, /keep_alive/],
    [{ model: 'tiny-bert', input: [[1, 2]] }, 400, /token-id/],
    [{ model: 'tiny-bert', input: ['ok', ''] }, 400, undefined],
    [{ model: 7, input: 'x' }, 400, /model/],
  ])('%j -> %i', async (body, status, pattern) => {
    ollamaError(await post(`${s.url}/api/embed`, body), status, pattern);
  });
});

test("every /api/* failure is Ollama's {error: text}, with the IDL's status", async () => {
  ollamaError(await post(`${s.url}/api/embed`, '{"model": ', true), 400, /not valid JSON/);
  ollamaError(await post(`${s.url}/api/embeddings`, { model: 'nope', prompt: 'x' }), 404);
  ollamaError(await post(`${s.url}/api/embeddings`, { model: 'tiny-bert', prompt: 42 }), 400, /prompt/);
  ollamaError(await post(`${s.url}/api/show`, { model: 'nope' }), 404);
  ollamaError(await post(`${s.url}/api/show`, {}), 400, /model/);
  ollamaError(await post(`${s.url}/api/pull`, {}), 400, /model/);
  ollamaError(await post(`${s.url}/api/tags`, {}), 405);
  ollamaError(await get('/api/embed'), 405);
  ollamaError(await get('/api/nope'), 404, /no route/);
  const big = await post(`${s.url}/api/embed`, { model: 'tiny-bert', input: 'x'.repeat(17 * 1024 * 1024) });
  ollamaError(big, 413);
  // OpenAI's routes keep their own shape.
  expect((await post(`${s.url}/v1/embeddings`, { model: 'nope', input: 'x' })).body.error).toMatchObject({ code: 'MODEL_NOT_FOUND', type: 'invalid_request_error' });
});

test('/api/tags and /api/show describe the file: GGUF metadata, size, digest', async () => {
  const { body } = await get('/api/tags');
  expect(body.models.map((m) => m.name)).toEqual(['imported:latest', 'tiny-bert:latest']);
  const [imported, bert] = body.models;
  expect(bert).toMatchObject({
    model: 'tiny-bert:latest',
    size: blob.length,
    digest: `sha256:${sha}`,
    details: { parent_model: '', format: 'gguf', family: 'bert', families: ['bert'], parameter_size: expect.stringMatching(/K$/), quantization_level: 'F32' },
  });
  // An Ollama blob's digest is its name (not hashed again).
  expect(imported).toMatchObject({ digest: `sha256:${'a'.repeat(64)}`, details: { family: 'llama' } });
  const show = await post(`${s.url}/api/show`, { name: 'tiny-bert:latest' }); // `name`: older clients
  expect(show.status).toBe(200);
  expect(show.body).toMatchObject({ modelfile: '', parameters: '', template: '', license: '', capabilities: ['embedding'], details: bert.details });
  expect(show.body.model_info).toMatchObject({
    'general.architecture': 'bert',
    'bert.embedding_length': 64,
    'bert.context_length': 128,
    'general.parameter_count': expect.any(Number),
    'tokenizer.ggml.tokens': null,
  });
  expect(bert.details.parameter_size).toBe(`${Math.round(show.body.model_info['general.parameter_count'] / 1000)}K`);
});

describe('/api/pull', () => {
  const pull = (body) => fetch(`${s.url}/api/pull`, { method: 'POST', body: JSON.stringify(body) });
  const lines = async (res) => (await res.text()).trim().split('\n').map((l) => JSON.parse(l));

  test('streamed by default: NDJSON progress, success last; two at once share one download', async () => {
    const [a, b] = await Promise.all([pull({ model: 'tiny' }), pull({ model: 'tiny:latest', insecure: true })]);
    expect(a.headers.get('content-type')).toBe('application/x-ndjson');
    for (const res of [a, b]) {
      const got = await lines(res);
      expect(got[0]).toEqual({ status: 'pulling manifest' });
      expect(got.at(-1)).toEqual({ status: 'success' });
    }
    expect(readFileSync(join(h.home, 'models', 'tiny.gguf')).equals(blob)).toBe(true);
  });

  test('stream:false: one answer; failures with their status', async () => {
    expect(await (await pull({ model: 'tiny', stream: false })).json()).toEqual({ status: 'success' });
    const missing = await pull({ model: 'nope', stream: false });
    ollamaError({ status: missing.status, body: await missing.json() }, 404);
    const bad = await pull({ model: 'badsum', stream: false });
    ollamaError({ status: bad.status, body: await bad.json() }, 502, /sha256/);
  });

  test('a failure after the stream began is an {error} line', async () => {
    const got = await lines(await pull({ model: 'badsum' }));
    expect(got[0]).toEqual({ status: 'pulling manifest' });
    expect(got.at(-1)).toEqual({ error: expect.stringMatching(/sha256/) });
  });

  test('refused when only --model models are served', async () => {
    const s2 = await startServer(['--model', 'tiny-bert'], { ...h.env, MULLAMA_OLLAMA_REGISTRY: registryUrl });
    try {
      const r = await fetch(`${s2.url}/api/pull`, { method: 'POST', body: '{"model":"tiny"}' });
      ollamaError({ status: r.status, body: await r.json() }, 400, /--model/);
      expect((await (await fetch(`${s2.url}/api/tags`)).json()).models.map((m) => m.name)).toEqual(['tiny-bert:latest']);
    } finally {
      await s2.stop();
    }
  });
});

describe('--ollama', () => {
  test('is --port 11434: not with --port', async () => {
    const r = await run(['serve', '--ollama', '--port', '8080']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/USAGE: --ollama is --port 11434/);
  });

  test("listens on Ollama's port (when it is free here)", async (ctx) => {
    const free = await new Promise((resolve) => {
      const probe = netServer().once('error', () => resolve(false));
      probe.listen(11434, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (!free) return ctx.skip();
    const child = spawn(process.execPath, [cli, 'serve', '--ollama', '--model', 'tiny-bert'], { env: { ...process.env, ...h.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await new Promise((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => (out += d) && /listening/.test(out) && resolve(out));
        child.on('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      expect(line).toMatch(/listening on http:\/\/127\.0\.0\.1:11434/);
      expect((await (await fetch('http://127.0.0.1:11434/api/tags')).json()).models[0].name).toBe('tiny-bert:latest');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('close', r));
    }
  });
});
