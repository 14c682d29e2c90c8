// `mullama serve` as a real process on loopback: every endpoint, bad requests, a load test, shutdown.
import { request } from 'node:http';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Tiktoken } from 'js-tiktoken/lite';
import cl100k from 'js-tiktoken/ranks/cl100k_base';
import { defaultModelFile, makeHome, post, startServer, tinyBert, tinyLlama } from './helpers.mjs';

let h;
let s;
beforeAll(async () => {
  h = makeHome({ 'nomic-embed-text.gguf': defaultModelFile(), 'llama3.2-1b.gguf': tinyLlama, 'tiny-bert.gguf': tinyBert });
  s = await startServer(['--max-body', '65536', '--max-inputs', '64'], h.env);
});
afterAll(async () => {
  if (s) expect((await s.stop('SIGTERM')).code).toBe(0);
  h.cleanup();
});

const norm = (v) => Math.hypot(...v);

describe('OpenAI /v1/embeddings', () => {
  test("the seed's curl body", async () => {
    const r = await post(`${s.url}/v1/embeddings`, {
      model: 'nomic-embed-text',
      input: ['The quick brown fox', 'Machine learning is AI', 'Rust is a language'],
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ object: 'list', model: 'nomic-embed-text' });
    expect(r.body.data.map((d) => [d.object, d.index])).toEqual([['embedding', 0], ['embedding', 1], ['embedding', 2]]);
    for (const d of r.body.data) expect(norm(d.embedding)).toBeCloseTo(1, 4);
    expect(r.body.usage.prompt_tokens).toBeGreaterThan(3);
    expect(r.body.usage.total_tokens).toBe(r.body.usage.prompt_tokens);
  });

  test('a string input, base64 and dimensions', async () => {
    const f = await post(`${s.url}/v1/embeddings`, { model: 'tiny-bert', input: 'hello world' });
    expect(f.status).toBe(200);
    const full = f.body.data[0].embedding;
    const b = await post(`${s.url}/v1/embeddings`, { model: 'tiny-bert', input: 'hello world', encoding_format: 'base64' });
    const buf = Buffer.from(b.body.data[0].embedding, 'base64');
    const dec = Array.from(new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4));
    expect(dec).toHaveLength(full.length);
    dec.forEach((x, i) => expect(x).toBeCloseTo(full[i], 5));
    const d = await post(`${s.url}/v1/embeddings`, { model: 'tiny-bert', input: 'hello world', dimensions: 8 });
    const v = d.body.data[0].embedding;
    expect(v).toHaveLength(8);
    expect(norm(v)).toBeCloseTo(1, 4);
    const n = norm(full.slice(0, 8));
    v.forEach((x, i) => expect(x).toBeCloseTo(full[i] / n, 4));
    // Each vector names its embedding space: the same for one model and options, another with dimensions.
    expect(f.body.data[0].space).toMatch(/^[0-9a-f]{16}$/);
    expect(b.body.data[0].space).toBe(f.body.data[0].space);
    expect(d.body.data[0].space).not.toBe(f.body.data[0].space);
    const big = await post(`${s.url}/v1/embeddings`, { model: 'tiny-bert', input: 'x', dimensions: full.length + 1 });
    expect(big.status).toBe(400);
    expect(big.body.error.message).toMatch(/dimensions/);
  });

  test('token ids are read as cl100k_base (what LangChain sends) and embed as their text', async () => {
    const enc = new Tiktoken(cl100k);
    const texts = ['Hello, world!', 'Café naïve résumé — 你好'];
    const ids = texts.map((t) => enc.encode(t));
    const byText = await post(`${s.url}/v1/embeddings`, { model: 'tiny-bert', input: texts });
    const byIds = await post(`${s.url}/v1/embeddings`, { model: 'tiny-bert', input: ids });
    expect(byIds.status).toBe(200);
    const same = (a, b) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) < 1e-6);
    byIds.body.data.forEach((d, i) => expect(same(d.embedding, byText.body.data[i].embedding)).toBe(true));
    expect(byIds.body.usage).toEqual(byText.body.usage); // the model's own tokens, counted as for the text
    const one = await post(`${s.url}/v1/embeddings`, { model: 'tiny-bert', input: ids[0] });
    expect(one.body.data).toHaveLength(1);
    expect(same(one.body.data[0].embedding, byText.body.data[0].embedding)).toBe(true);
    // Ollama's API has no token-id input.
    const ollama = await post(`${s.url}/api/embed`, { model: 'tiny-bert', input: ids });
    expect(ollama.status).toBe(400);
  });

  test.each([
    [{ model: 'tiny-bert', input: [[1, 2, 3], [-1]] }, 400, 'INVALID_ARGUMENT'],
    [{ model: 'tiny-bert', input: [1.5] }, 400, 'INVALID_ARGUMENT'],
    [{ model: 'tiny-bert', input: [100_000_000] }, 400, 'INVALID_ARGUMENT'],
    [{ model: 'tiny-bert', input: [[1, 2], 'mixed'] }, 400, 'INVALID_ARGUMENT'],
    [{ model: 'tiny-bert', input: [[]] }, 400, 'EMPTY_INPUT'],
    [{ model: 'tiny-bert', input: [[9468]] }, 400, 'INVALID_UTF8'],
    [{ model: 'tiny-bert', input: [] }, 400, 'EMPTY_INPUT'],
    [{ model: 'tiny-bert', input: '' }, 400, 'EMPTY_INPUT'],
    [{ model: 'tiny-bert', input: ['ok', ''] }, 400, 'EMPTY_INPUT'],
    [{ model: 'tiny-bert', input: 42 }, 400, 'INVALID_ARGUMENT'],
    [{ model: 'tiny-bert' }, 400, 'INVALID_ARGUMENT'],
    [{ model: 'tiny-bert', input: 'x', encoding_format: 'hex' }, 400, 'INVALID_ARGUMENT'],
    [{ model: 'tiny-bert', input: 'x', dimensions: 0 }, 400, 'INVALID_ARGUMENT'],
    [{ model: 'tiny-bert', input: Array(65).fill('x') }, 400, 'TOO_MANY_INPUTS'],
    [{ model: 'tiny-bert', input: 'word '.repeat(2000) }, 400, 'INPUT_TOO_LONG'],
    [{ model: 'no-such-model', input: 'x' }, 404, 'MODEL_NOT_FOUND'],
    [{ model: '../../etc/passwd', input: 'x' }, 404, 'MODEL_NOT_FOUND'],
    [{ model: 7, input: 'x' }, 400, 'INVALID_ARGUMENT'],
  ])('%j -> %i %s', async (body, status, code) => {
    const r = await post(`${s.url}/v1/embeddings`, body);
    expect(r.status).toBe(status);
    expect(r.body.error).toMatchObject({ code, type: expect.any(String), message: expect.any(String) });
    if (code === 'MODEL_NOT_FOUND') expect(r.body.error.message).toMatch(/available models: .*nomic-embed-text/);
  });

  test('a model name never reaches a file outside the store, and errors show no server paths', async () => {
    // `secret.txt` exists in the server's working directory (the test's cwd) as a file.
    const secret = join(process.cwd(), 'secret.txt');
    writeFileSync(secret, 'not for clients\n');
    try {
      const r = await post(`${s.url}/v1/embeddings`, { model: 'secret.txt', input: 'x' });
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('MODEL_NOT_FOUND');
      expect(r.body.error.message).not.toMatch(/\//);
    } finally {
      rmSync(secret);
    }
  });

  test('malformed JSON, oversized body, wrong method, unknown path', async () => {
    const bad = await post(`${s.url}/v1/embeddings`, '{"model": ', true);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_JSON');
    const bytes = Buffer.concat([Buffer.from('{"model": "tiny-bert", "input": "a'), Buffer.from([0xff, 0xfe]), Buffer.from('b"}')]);
    const utf8 = await fetch(`${s.url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bytes });
    expect(utf8.status).toBe(400);
    expect((await utf8.json()).error.code).toBe('INVALID_UTF8');
    const arr = await post(`${s.url}/v1/embeddings`, '[1]', true);
    expect(arr.status).toBe(400);
    const huge = await post(`${s.url}/v1/embeddings`, { model: 'tiny-bert', input: 'x'.repeat(70_000) });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('BODY_TOO_LARGE');
    const get = await fetch(`${s.url}/v1/embeddings`);
    expect(get.status).toBe(405);
    const nf = await fetch(`${s.url}/nope`);
    expect(nf.status).toBe(404);
    expect((await nf.json()).error.code).toBe('NOT_FOUND');
  });

  test('a request cut off mid-body does not hurt the server', async () => {
    await new Promise((resolve) => {
      const req = request(`${s.url}/v1/embeddings`, { method: 'POST', headers: { 'content-length': '1000' } });
      req.on('error', () => resolve());
      req.write('{"model":"tiny-bert","inp');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
  });
});

describe('Ollama endpoints', () => {
  test('POST /api/embed', async () => {
    const r = await post(`${s.url}/api/embed`, { model: 'nomic-embed-text', input: ['why is the sky blue?', 'because'] });
    expect(r.status).toBe(200);
    expect(r.body.model).toBe('nomic-embed-text');
    expect(r.body.embeddings).toHaveLength(2);
    expect(norm(r.body.embeddings[0])).toBeCloseTo(1, 4);
    expect(r.body.prompt_eval_count).toBeGreaterThan(2);
    const one = await post(`${s.url}/api/embed`, { model: 'nomic-embed-text:latest', input: 'hi' });
    expect(one.body.embeddings).toHaveLength(1);
    // Ollama truncates by default; truncate:false makes it an error
    const long = 'word '.repeat(2000);
    expect((await post(`${s.url}/api/embed`, { model: 'tiny-bert', input: long })).status).toBe(200);
    const e = await post(`${s.url}/api/embed`, { model: 'tiny-bert', input: long, truncate: false });
    expect(e.status).toBe(400);
    expect(e.body).toEqual({ error: expect.stringMatching(/tokens/) }); // Ollama's error shape
  });

  test('POST /api/embeddings', async () => {
    const r = await post(`${s.url}/api/embeddings`, { model: 'llama3.2:1b', prompt: 'Hello, world!' });
    expect(r.status).toBe(200);
    expect(r.body.embedding).toHaveLength(64);
    // As Ollama: no prompt loads the model and embeds nothing; a prompt that is not a string is an error.
    expect(await post(`${s.url}/api/embeddings`, { model: 'llama3.2:1b' })).toEqual({ status: 200, body: { embedding: [] } });
    const bad = await post(`${s.url}/api/embeddings`, { model: 'llama3.2:1b', prompt: 42 });
    expect(bad.status).toBe(400);
  });
});

test('GET /v1/models and /health', async () => {
  const m = await (await fetch(`${s.url}/v1/models`)).json();
  expect(m.object).toBe('list');
  expect(m.data.map((d) => d.id).sort()).toEqual(['llama3.2-1b', 'nomic-embed-text', 'tiny-bert']);
  expect(await (await fetch(`${s.url}/health`)).json()).toEqual({ status: 'ok' });
});

test('load: 16 concurrent clients x 20 requests, no failures', async () => {
  const t0 = Date.now();
  let ok = 0;
  const client = async (c) => {
    for (let i = 0; i < 20; i++) {
      const n = 1 + ((c + i) % 4);
      const input = Array.from({ length: n }, (_, k) => `client ${c} request ${i} text ${k}`);
      const r = await post(`${s.url}/v1/embeddings`, { model: 'tiny-bert', input });
      expect(r.status).toBe(200);
      expect(r.body.data).toHaveLength(n);
      ok++;
    }
  };
  await Promise.all(Array.from({ length: 16 }, (_, c) => client(c)));
  expect(ok).toBe(320);
  expect(Date.now() - t0).toBeLessThan(90_000);
});

test('--max-tokens is checked by the core before any text runs; one context serves every route', async () => {
  const s3 = await startServer(['--model', 'tiny-bert', '--max-tokens', '20'], h.env);
  try {
    const over = await post(`${s3.url}/v1/embeddings`, { model: 'tiny-bert', input: ['word '.repeat(12), 'word '.repeat(12)] });
    expect(over.status).toBe(400);
    expect(over.body.error).toMatchObject({ code: 'INPUT_TOO_LONG', message: expect.stringMatching(/maxTokens allows 20/) });
    // Truncating (Ollama) and erroring (OpenAI) requests share the server's one context.
    const a = await post(`${s3.url}/v1/embeddings`, { model: 'tiny-bert', input: 'hello world' });
    const b = await post(`${s3.url}/api/embed`, { model: 'tiny-bert', input: 'hello world' });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    b.body.embeddings[0].forEach((x, i) => expect(x).toBeCloseTo(a.body.data[0].embedding[i], 5));
  } finally {
    await s3.stop('SIGTERM');
  }
});

test('--model limits the served models; SIGINT exits 0', async () => {
  const s2 = await startServer(['--model', 'tiny-bert'], h.env);
  const m = await (await fetch(`${s2.url}/v1/models`)).json();
  expect(m.data.map((d) => d.id)).toEqual(['tiny-bert']);
  const miss = await post(`${s2.url}/v1/embeddings`, { model: 'nomic-embed-text', input: 'x' });
  expect(miss.status).toBe(404);
  expect(miss.body.error.message).toMatch(/available models: tiny-bert$/);
  // no model field: the first --model
  const def = await post(`${s2.url}/v1/embeddings`, { input: 'x' });
  expect(def.status).toBe(200);
  expect(def.body.model).toBe('tiny-bert');
  const { code } = await s2.stop('SIGINT');
  expect(code).toBe(0);
});

test('a missing --model fails at startup', async () => {
  await expect(startServer(['--model', 'nope'], h.env)).rejects.toThrow(/MODEL_NOT_FOUND/);
});

test('SIGTERM finishes every request in flight, then exits 0', async () => {
  // A drain timeout far above what the work needs: on a busy machine 512 texts can take more
  // than the default 30 s, and this test is about finishing them, not about the timeout.
  const sd = await startServer(['--model', defaultModelFile(), '--drain-timeout', '600'], h.env);
  const texts = Array.from({ length: 64 }, (_, i) => `request text number ${i}: ${'a fairly long sentence about nothing in particular '.repeat(4)}`);
  const requests = Array.from({ length: 8 }, () => post(`${sd.url}/v1/embeddings`, { model: 'all-minilm', input: texts }).catch((e) => ({ status: 0, error: e })));
  await new Promise((r) => setTimeout(r, 300));
  const exit = sd.stop('SIGTERM');
  const answers = await Promise.all(requests);
  expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
  answers.forEach((a) => expect(a.body.data).toHaveLength(64));
  const { code, stderr } = await exit;
  expect(code).toBe(0);
  expect(stderr).toMatch(/finishing \d+ request\(s\) in flight/);
  // And it no longer accepts.
  await expect(fetch(`${sd.url}/health`)).rejects.toThrow();
});

test('garbage after a valid request on one connection: the valid request still gets its answer', async () => {
  const body = JSON.stringify({ model: 'tiny-bert', input: 'hello world' });
  const { port } = new URL(s.url);
  const raw = await new Promise((resolve, reject) => {
    const sock = connect(Number(port), '127.0.0.1');
    let got = '';
    sock.on('data', (d) => (got += d));
    sock.on('close', () => resolve(got));
    sock.on('error', reject);
    sock.write(`POST /v1/embeddings HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    sock.write('\x00\x01 this is not HTTP \r\n\r\n');
  });
  expect(raw).toMatch(/^HTTP\/1\.1 200 /);
  expect(raw).toMatch(/"embedding":\[/);
  expect(raw).toMatch(/HTTP\/1\.1 400 Bad Request/);
});

describe('limits: a slow client, a full queue and a deadline each get their own answer', () => {
  let lim;
  beforeAll(async () => {
    lim = await startServer(['--model', tinyBert, '--body-timeout', '1', '--max-queue', '2', '--request-timeout', '60'], h.env);
  });
  afterAll(async () => {
    if (lim) expect((await lim.stop('SIGTERM')).code).toBe(0);
  });

  /** Sends `head` on a raw connection and never finishes the request; resolves with the reply. */
  const trickle = (head) =>
    new Promise((resolve, reject) => {
      const sock = connect(Number(new URL(lim.url).port), '127.0.0.1');
      let got = '';
      sock.on('data', (d) => (got += d));
      sock.on('close', () => resolve(got));
      sock.on('error', reject);
      sock.write(head);
    });

  test('a body that never arrives whole: 408 REQUEST_TIMEOUT after --body-timeout, connection closed', async () => {
    const t0 = Date.now();
    const got = await trickle('POST /v1/embeddings HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"input":');
    expect(got).toMatch(/^HTTP\/1\.1 408 /);
    expect(got).toMatch(/"code":"REQUEST_TIMEOUT"/);
    expect(Date.now() - t0).toBeLessThan(20_000); // Node's default would be 300 s
  });

  test('headers that never end (slowloris): 408 too', async () => {
    expect(await trickle('POST /v1/emb')).toMatch(/^HTTP\/1\.1 408 .*"code":"REQUEST_TIMEOUT"/s);
  });

  test('past --max-queue requests in the engine: 503 OVERLOADED with Retry-After, and the admitted ones finish', async () => {
    const texts = Array.from({ length: 2048 }, (_, i) => `text ${i} ${'with several words in it '.repeat(6)}`);
    const send = () =>
      fetch(`${lim.url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: texts }) }).then(async (r) => ({
        status: r.status,
        retryAfter: r.headers.get('retry-after'),
        body: await r.json(),
      }));
    const answers = await Promise.all(Array.from({ length: 5 }, send));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 200, 503, 503, 503]);
    for (const a of answers.filter((x) => x.status === 503)) {
      expect(a.retryAfter).toBe('1');
      expect(a.body.error.code).toBe('OVERLOADED');
    }
    for (const a of answers.filter((x) => x.status === 200)) expect(a.body.data).toHaveLength(2048);
    // The queue drains: the next request is admitted.
    expect((await post(`${lim.url}/v1/embeddings`, { input: 'after the burst' })).status).toBe(200);
  });
});

test('a request not done within --request-timeout: 504 DEADLINE_EXCEEDED; the server goes on', async () => {
  const sd = await startServer(['--model', defaultModelFile(), '--request-timeout', '1', '--threads', '1'], h.env);
  try {
    const texts = Array.from({ length: 2048 }, (_, i) => `text ${i} ${'with several words in it '.repeat(3)}`);
    const slow = await Promise.all([1, 2].map(() => post(`${sd.url}/v1/embeddings`, { input: texts })));
    const late = slow.filter((r) => r.status === 504);
    expect(late).toHaveLength(2); // 4096 texts of all-minilm on one thread take well over 1 s (~20 s)
    for (const r of late) expect(r.body.error.code).toBe('DEADLINE_EXCEEDED');
    // Alive and answering (the engine may still be busy with the abandoned texts).
    expect((await fetch(`${sd.url}/health`)).status).toBe(200);
  } finally {
    expect((await sd.stop('SIGTERM')).code).toBe(0);
  }
});

test('pipelined requests on one keep-alive connection each get their own response, in order', async () => {
  const { port } = new URL(s.url);
  const bodies = ['one', 'two words', 'three words here'].map((t) => JSON.stringify({ model: 'tiny-bert', input: t }));
  const raw = await new Promise((resolve, reject) => {
    const sock = connect(Number(port), '127.0.0.1');
    let got = '';
    sock.on('data', (d) => {
      got += d;
      if ((got.match(/HTTP\/1\.1 200 /g) ?? []).length === 3 && got.trimEnd().endsWith('}}')) sock.end();
    });
    sock.on('close', () => resolve(got));
    sock.on('error', reject);
    // All three written at once, before any answer: the server must not mix or drop them.
    sock.write(bodies.map((b) => `POST /v1/embeddings HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(b)}\r\n\r\n${b}`).join(''));
  });
  const tokens = [...raw.matchAll(/"prompt_tokens":(\d+)/g)].map((m) => Number(m[1]));
  const single = await Promise.all(['one', 'two words', 'three words here'].map((t) => post(`${s.url}/v1/embeddings`, { model: 'tiny-bert', input: t })));
  expect(tokens).toEqual(single.map((r) => r.body.usage.prompt_tokens));
  expect(new Set(tokens).size).toBe(3); // the three answers are distinguishable, so order is checked
});
