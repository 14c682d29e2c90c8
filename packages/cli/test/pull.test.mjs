// pull over a loopback server speaking the Hugging Face and Ollama protocols; import from an Ollama store.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeHome, run, tinyBert } from './helpers.mjs';

const blob = readFileSync(tinyBert);
const sha = createHash('sha256').update(blob).digest('hex');
let h, server, base;
let cutNext = false;
let sawRange = null;

beforeAll(async () => {
  h = makeHome({});
  server = createServer((req, res) => {
    const u = req.url;
    const sendBlob = (etag) => {
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const start = range ? Number(range[1]) : 0;
      sawRange = range ? start : sawRange;
      const body = blob.subarray(start);
      res.writeHead(range ? 206 : 200, { 'content-length': body.length, ...(etag ? { 'x-linked-etag': `"${etag}"` } : {}) });
      if (cutNext) {
        cutNext = false;
        res.write(body.subarray(0, 100_000));
        setTimeout(() => res.destroy(), 20);
        return;
      }
      res.end(body);
    };
    if (u === '/v2/library/tiny/manifests/latest' || u === '/v2/library/tiny/manifests/v1')
      return res.end(JSON.stringify({ layers: [{ mediaType: 'application/vnd.ollama.image.model', digest: `sha256:${sha}`, size: blob.length }] }));
    if (u === '/v2/library/badsum/manifests/latest')
      return res.end(JSON.stringify({ layers: [{ mediaType: 'application/vnd.ollama.image.model', digest: `sha256:${'0'.repeat(64)}` }] }));
    if (u === `/v2/library/tiny/blobs/sha256:${sha}` || u === `/v2/library/badsum/blobs/sha256:${'0'.repeat(64)}`) return sendBlob();
    if (u === '/owner/repo/resolve/main/tiny.gguf') return sendBlob(sha);
    // A login wall or proxy page: 200 with HTML where a GGUF should be.
    if (u === '/owner/html/resolve/main/page.gguf') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in</body></html>');
    // Accepts the request and never answers.
    if (u === '/owner/silent/resolve/main/x.gguf') return;
    if (u === '/api/models/owner/repo') return res.end(JSON.stringify({ siblings: [{ rfilename: 'README.md' }, { rfilename: 'tiny.gguf' }] }));
    res.writeHead(404).end();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
  h.env.MULLAMA_HF_ENDPOINT = base;
  h.env.MULLAMA_OLLAMA_REGISTRY = base;
});
afterAll(() => {
  server.close();
  h.cleanup();
});
const m = (args) => run(args, { env: h.env });
const store = (f) => join(h.home, 'models', f);

test('Ollama registry: manifest, blob, sha256', async () => {
  const r = await m(['pull', 'tiny']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(readFileSync(store('tiny.gguf')).equals(blob)).toBe(true);
  const t = await m(['pull', 'ollama:tiny:v1']);
  expect(t.code).toBe(0);
  expect(existsSync(store('tiny-v1.gguf'))).toBe(true);
  const e = await m(['embed', 'tiny:v1', 'hello']);
  expect(e.code).toBe(0);
});

test('Hugging Face: hf:owner/repo[:file]', async () => {
  const r = await m(['pull', 'hf:owner/repo:tiny.gguf', '--name', 'hfmodel']);
  expect(r.code).toBe(0);
  expect(readFileSync(store('hfmodel.gguf')).equals(blob)).toBe(true);
  const auto = await m(['pull', 'hf:owner/repo']);
  expect(auto.code).toBe(0);
  expect(existsSync(store('tiny.gguf'))).toBe(true);
});

test('checksum mismatch: error, nothing left behind', async () => {
  const r = await m(['pull', 'badsum']);
  expect(r.code).toBe(16);
  expect(r.stderr).toMatch(/^mullama: CHECKSUM_MISMATCH: /);
  expect(existsSync(store('badsum.gguf'))).toBe(false);
  expect(existsSync(store('badsum.gguf.partial'))).toBe(false);
});

test('an interrupted download resumes with Range', async () => {
  cutNext = true;
  sawRange = null;
  const r = await m(['pull', 'tiny', '--name', 'resumed']);
  expect(r.code).toBe(15);
  expect(r.stderr).toMatch(/^mullama: IO: .*interrupted/);
  const part = statSync(store('resumed.gguf.partial')).size;
  expect(part).toBeGreaterThan(0);
  expect(part).toBeLessThan(blob.length);
  const r2 = await m(['pull', 'tiny', '--name', 'resumed']);
  expect(r2.code).toBe(0);
  expect(sawRange).toBe(part);
  expect(readFileSync(store('resumed.gguf')).equals(blob)).toBe(true);
  expect(existsSync(store('resumed.gguf.partial'))).toBe(false);
});

test('unknown model: MODEL_NOT_FOUND', async () => {
  const r = await m(['pull', 'nothing-here']);
  expect(r.code).toBe(3);
  expect(r.stderr).toMatch(/^mullama: MODEL_NOT_FOUND: /);
});

test('import --from-ollama', async () => {
  const o = join(h.home, 'ollama');
  mkdirSync(join(o, 'manifests', 'registry.ollama.ai', 'library', 'embedder'), { recursive: true });
  mkdirSync(join(o, 'blobs'));
  copyFileSync(tinyBert, join(o, 'blobs', `sha256-${sha}`));
  writeFileSync(join(o, 'manifests', 'registry.ollama.ai', 'library', 'embedder', 'latest'), JSON.stringify({ layers: [{ mediaType: 'application/vnd.ollama.image.model', digest: `sha256:${sha}` }] }));
  const r = await m(['import', '--from-ollama', o]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/imported 'embedder'/);
  expect(readFileSync(store('embedder.gguf')).equals(blob)).toBe(true);
});

test('a page that is not a GGUF is refused and nothing is stored', async () => {
  const r = await m(['pull', 'hf:owner/html:page.gguf', '--name', 'page']);
  expect(r.code).toBe(4);
  expect(r.stderr).toMatch(/MODEL_INVALID: .*did not send a GGUF file \(content-type text\/html\)/);
  expect(existsSync(store('page.gguf'))).toBe(false);
  expect(existsSync(store('page.gguf.partial'))).toBe(false);
  expect((await m(['list'])).stdout).not.toMatch(/\bpage\b/);
});

test('a registry that never answers times out instead of hanging', async () => {
  const t0 = Date.now();
  const r = await run(['pull', 'hf:owner/silent:x.gguf', '--name', 'silent'], { env: { ...h.env, MULLAMA_PULL_TIMEOUT_S: '1' } });
  expect(r.code).toBe(17);
  expect(r.stderr).toMatch(/TIMEOUT: .*no data for 1 s/);
  expect(Date.now() - t0).toBeLessThan(30_000); // a hang would run into the 60 s kill
});
