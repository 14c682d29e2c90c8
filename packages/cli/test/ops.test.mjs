// Operating `mullama serve`: /metrics, request ids, the access log, --api-key, --cors.
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeHome, post, run, startServer, tinyBert } from './helpers.mjs';

let h;
beforeAll(() => {
  h = makeHome({ 'tiny-bert.gguf': tinyBert });
});
afterAll(() => h?.cleanup());

describe('metrics, request ids, --log-requests', () => {
  let s;
  beforeAll(async () => {
    s = await startServer(['--log-requests'], h.env);
  });
  afterAll(async () => {
    if (s) expect((await s.stop()).code).toBe(0);
  });

  /** `name{labels} value` lines of the Prometheus text, as { 'name{labels}': value }. */
  const scrape = async () => {
    const r = await fetch(`${s.url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await r.text();
    return { text, v: Object.fromEntries(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))])) };
  };

  test('GET /metrics: requests by route and status, texts, tokens, gauges, a latency histogram', async () => {
    const ok = await post(`${s.url}/v1/embeddings`, { model: 'tiny-bert', input: ['one', 'two three'] });
    await post(`${s.url}/api/embed`, { model: 'tiny-bert', input: 'four' });
    await post(`${s.url}/v1/embeddings`, { model: 'nope', input: 'x' });
    await fetch(`${s.url}/no/such/path/${Math.random()}`);
    const { text, v } = await scrape();
    expect(v['mullama_requests_total{route="/v1/embeddings",status="200"}']).toBe(1);
    expect(v['mullama_requests_total{route="/v1/embeddings",status="404"}']).toBe(1);
    expect(v['mullama_requests_total{route="/api/embed",status="200"}']).toBe(1);
    expect(v['mullama_requests_total{route="other",status="404"}']).toBe(1); // paths never become labels
    expect(v['mullama_texts_total{model="tiny-bert"}']).toBe(3);
    const apiTokens = (await post(`${s.url}/api/embed`, { model: 'tiny-bert', input: 'four' })).body.prompt_eval_count;
    expect(v['mullama_tokens_total{model="tiny-bert"}']).toBe(ok.body.usage.prompt_tokens + apiTokens);
    expect(v.mullama_queue_depth).toBe(0);
    expect(v.mullama_models_loaded).toBe(1);
    expect(v.mullama_requests_in_flight).toBe(1); // this scrape
    for (const family of ['mullama_requests_total counter', 'mullama_texts_total counter', 'mullama_tokens_total counter', 'mullama_queue_depth gauge', 'mullama_models_loaded gauge', 'mullama_request_duration_seconds histogram'])
      expect(text).toContain(`# TYPE ${family}`);
    // Buckets are cumulative and end at +Inf = count.
    const r = 'route="/v1/embeddings"';
    const buckets = Object.entries(v).filter(([k]) => k.startsWith(`mullama_request_duration_seconds_bucket{${r}`)).map(([, n]) => n);
    expect(buckets.length).toBeGreaterThan(5);
    expect([...buckets].sort((a, b) => a - b)).toEqual(buckets);
    expect(buckets.at(-1)).toBe(2);
    expect(v[`mullama_request_duration_seconds_count{${r}}`]).toBe(2);
    expect(v[`mullama_request_duration_seconds_sum{${r}}`]).toBeGreaterThan(0);
  });

  test('x-request-id: echoed when sent, else a new one per request, on errors too; one log line each', async () => {
    const mine = await fetch(`${s.url}/v1/models`, { headers: { 'x-request-id': 'trace-abc.123' } });
    expect(mine.headers.get('x-request-id')).toBe('trace-abc.123');
    const a = await fetch(`${s.url}/health`);
    const b = await fetch(`${s.url}/nope`);
    const ids = [a.headers.get('x-request-id'), b.headers.get('x-request-id')];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[0]).not.toBe(ids[1]);
    // Not a token (too long): replaced, never echoed.
    const long = await fetch(`${s.url}/health`, { headers: { 'x-request-id': 'x'.repeat(300) } });
    expect(long.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((r) => setTimeout(r, 100));
    const log = s.stderr();
    expect(log).toMatch(/^mullama: \S+Z trace-abc\.123 127\.0\.0\.1 "GET \/v1\/models" 200 [\d.]+ms$/m);
    expect(log).toContain(`${ids[1]} 127.0.0.1 "GET /nope" 404`);
    expect(log).not.toContain('x'.repeat(300));
  });

  test('no access log without --log-requests', async () => {
    const quiet = await startServer(['--model', 'tiny-bert'], h.env);
    await fetch(`${quiet.url}/health`);
    await post(`${quiet.url}/v1/embeddings`, { input: 'x' });
    const { stderr } = await quiet.stop();
    expect(stderr).not.toMatch(/"GET|"POST/);
  });
});

describe('--api-key', () => {
  let s;
  const KEY = 'sk-test-0123456789';
  beforeAll(async () => {
    s = await startServer(['--api-key', KEY], h.env);
  });
  afterAll(async () => {
    if (s) expect((await s.stop()).code).toBe(0);
  });
  const call = (path, headers = {}, body) =>
    fetch(`${s.url}${path}`, body ? { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) } : { headers });

  test('no key or a wrong one: 401 UNAUTHORIZED in each API shape; /health and / stay open', async () => {
    const none = await call('/v1/embeddings', {}, { model: 'tiny-bert', input: 'x' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await none.json()).error).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/Authorization: Bearer/) });
    for (const auth of [`Bearer ${KEY}x`, `Bearer ${KEY.slice(0, -1)}`, KEY, `Basic ${KEY}`, 'Bearer ']) {
      const r = await call('/api/embed', { authorization: auth }, { model: 'tiny-bert', input: 'x' });
      expect(r.status).toBe(401);
      expect(await r.json()).toEqual({ error: expect.any(String) });
    }
    for (const path of ['/metrics', '/v1/models', '/api/tags', '/api/version', '/nope']) expect((await call(path)).status).toBe(401);
    expect((await call('/health')).status).toBe(200);
    expect((await call('/')).status).toBe(200);
  });

  test('the right key: answered; the clients send it their own way', async () => {
    const r = await call('/v1/embeddings', { authorization: `bearer ${KEY}` }, { model: 'tiny-bert', input: 'x' });
    expect(r.status).toBe(200);
    expect((await call('/metrics', { authorization: `Bearer ${KEY}` })).status).toBe(200);
    const openai = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: KEY });
    expect((await openai.embeddings.create({ model: 'tiny-bert', input: 'x' })).data[0].embedding).toHaveLength(64);
    const wrong = await new OpenAI({ baseURL: `${s.url}/v1`, apiKey: 'nope', maxRetries: 0 }).embeddings.create({ model: 'tiny-bert', input: 'x' }).catch((e) => e);
    expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError);
    const ollama = new Ollama({ host: s.url, headers: { Authorization: `Bearer ${KEY}` } });
    expect((await ollama.embed({ model: 'tiny-bert', input: 'x' })).embeddings[0]).toHaveLength(64);
    const anon = await new Ollama({ host: s.url }).list().catch((e) => e);
    expect(anon.status_code).toBe(401);
  });

  test('MULLAMA_API_KEY sets it too; an empty --api-key is a usage error', async () => {
    const e = await startServer(['--model', 'tiny-bert'], { ...h.env, MULLAMA_API_KEY: 'from-env' });
    try {
      expect((await fetch(`${e.url}/v1/models`)).status).toBe(401);
      expect((await fetch(`${e.url}/v1/models`, { headers: { authorization: 'Bearer from-env' } })).status).toBe(200);
    } finally {
      await e.stop();
    }
    const bad = await run(['serve', '--api-key', ''], { env: h.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/USAGE: --api-key needs a non-empty KEY/);
  });
});

describe('--cors', () => {
  const preflight = (url, origin, path = '/v1/embeddings') =>
    fetch(`${url}${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });

  test('off by default: no CORS headers, a preflight is refused', async () => {
    const s = await startServer(['--model', 'tiny-bert'], h.env);
    try {
      const p = await preflight(s.url, 'https://app.example');
      expect(p.status).toBe(405);
      expect(p.headers.get('access-control-allow-origin')).toBeNull();
      const r = await fetch(`${s.url}/v1/models`, { headers: { origin: 'https://app.example' } });
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await s.stop();
    }
  });

  test('--cors ORIGIN (repeatable): those origins only; preflights need no API key', async () => {
    const s = await startServer(['--model', 'tiny-bert', '--cors', 'https://a.example', '--cors', 'https://b.example', '--api-key', 'k'], h.env);
    try {
      const p = await preflight(s.url, 'https://b.example');
      expect(p.status).toBe(204);
      expect(p.headers.get('access-control-allow-origin')).toBe('https://b.example');
      expect(p.headers.get('access-control-allow-methods')).toMatch(/POST/);
      expect(p.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
      expect(p.headers.get('vary')).toMatch(/origin/i);
      const r = await fetch(`${s.url}/api/embed`, { method: 'POST', headers: { origin: 'https://a.example', authorization: 'Bearer k' }, body: '{"input":"x"}' });
      expect(r.status).toBe(200);
      expect(r.headers.get('access-control-allow-origin')).toBe('https://a.example');
      expect(r.headers.get('access-control-expose-headers')).toMatch(/x-request-id/);
      // Errors carry it too, so a page can read them.
      const denied = await fetch(`${s.url}/api/embed`, { method: 'POST', headers: { origin: 'https://a.example' }, body: '{}' });
      expect(denied.status).toBe(401);
      expect(denied.headers.get('access-control-allow-origin')).toBe('https://a.example');
      const other = await preflight(s.url, 'https://evil.example');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await s.stop();
    }
  });

  test("--cors '*': any origin", async () => {
    const s = await startServer(['--model', 'tiny-bert', '--cors', '*'], h.env);
    try {
      const p = await preflight(s.url, 'https://anything.example', '/api/embed');
      expect(p.status).toBe(204);
      expect(p.headers.get('access-control-allow-origin')).toBe('*');
      const r = await fetch(`${s.url}/v1/models`, { headers: { origin: 'https://x.example' } });
      expect(r.headers.get('access-control-allow-origin')).toBe('*');
    } finally {
      await s.stop();
    }
  });
});
