// text-embeddings-inference's routes: POST /embed (and POST /, its alias), GET /info, on the
// server's default model (the first --model), with TEI's error shape. huggingface_hub's client
// runs against them in clients.test.mjs.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeHome, post, startServer, tinyBert } from './helpers.mjs';

let h;
let s;
beforeAll(async () => {
  h = makeHome({ 'tiny-bert.gguf': tinyBert });
  s = await startServer(['--model', 'tiny-bert', '--max-inputs', '8'], h.env);
});
afterAll(async () => {
  if (s) expect((await s.stop('SIGTERM')).code).toBe(0);
  h.cleanup();
});

const close = (a, b) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) < 1e-6);

test('/embed answers a list of vectors, as /v1/embeddings computes them', async () => {
  const texts = ['hello world', 'again'];
  const tei = await post(`${s.url}/embed`, { inputs: texts });
  const oa = await post(`${s.url}/v1/embeddings`, { model: 'tiny-bert', input: texts });
  expect(tei.status).toBe(200);
  tei.body.forEach((v, i) => expect(close(v, oa.body.data[i].embedding)).toBe(true));
  const one = await post(`${s.url}/`, { inputs: 'hello world' });
  expect(one.body).toHaveLength(1);
  expect(close(one.body[0], tei.body[0])).toBe(true);
  const short = await post(`${s.url}/embed`, { inputs: 'hello world', dimensions: 8 });
  expect(short.body[0]).toHaveLength(8);
  const raw = await post(`${s.url}/embed`, { inputs: 'hello world', normalize: false });
  expect(Math.hypot(...raw.body[0])).not.toBeCloseTo(1, 3);
});

test('truncate and truncation_direction: the kept end of a long text', async () => {
  const long = 'word '.repeat(400);
  const refused = await post(`${s.url}/embed`, { inputs: long });
  expect(refused.status).toBe(400);
  expect(refused.body).toMatchObject({ error_type: 'Validation', code: 'INPUT_TOO_LONG' });
  expect(typeof refused.body.error).toBe('string');
  const right = await post(`${s.url}/embed`, { inputs: long + 'tail', truncate: true });
  const left = await post(`${s.url}/embed`, { inputs: 'head ' + long, truncate: true, truncation_direction: 'Left' });
  expect(right.status).toBe(200);
  expect(left.status).toBe(200);
  expect(close(right.body[0], left.body[0])).toBe(false);
});

test.each([
  [{ inputs: 'x', prompt_name: 'summary' }, 400, 'INVALID_ARGUMENT'],
  [{ inputs: 'x', truncation_direction: 'Up' }, 400, 'INVALID_ARGUMENT'],
  [{ inputs: 'x', normalize: 'yes' }, 400, 'INVALID_ARGUMENT'],
  [{ inputs: [] }, 400, 'EMPTY_INPUT'],
  [{ inputs: Array(9).fill('x') }, 400, 'TOO_MANY_INPUTS'],
  [{ inputs: [[1, 2]] }, 400, 'UNSUPPORTED_INPUT'],
  [{}, 400, 'INVALID_ARGUMENT'],
])('%j -> %i %s', async (body, status, code) => {
  const r = await post(`${s.url}/embed`, body);
  expect(r.status).toBe(status);
  expect(r.body).toMatchObject({ error_type: 'Validation', code });
});

test('/info describes the default model', async () => {
  const r = await fetch(`${s.url}/info`).then((x) => x.json());
  expect(r).toMatchObject({ model_id: 'tiny-bert', model_type: { embedding: { pooling: 'mean' } }, max_client_batch_size: 8, dimension: 64 });
  expect(r.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  expect(r.max_input_length).toBeGreaterThan(0);
});
