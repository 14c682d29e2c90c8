// list, show, rm, convert against a temp store.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeHome, run, testdata, tinyBert, tinyLlama } from './helpers.mjs';

let h;
beforeAll(() => {
  h = makeHome({ 'llama3.2-1b.gguf': tinyLlama });
  copyFileSync(tinyBert, join(h.home, 'models', 'tiny-bert.gguf'));
});
afterAll(() => h.cleanup());
const m = (args) => run(args, { env: h.env });

test('list', async () => {
  const r = await m(['list']);
  expect(r.code).toBe(0);
  const lines = r.stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^NAME\s+SIZE\s+MODIFIED$/);
  expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['llama3.2-1b', 'tiny-bert']);
  const j = JSON.parse((await m(['list', '--format', 'json'])).stdout);
  expect(j.models.map((x) => x.name)).toEqual(['llama3.2-1b', 'tiny-bert']);
});

test('show', async () => {
  const r = await m(['show', 'llama3.2:1b', '--format', 'json']);
  expect(r.code).toBe(0);
  const o = JSON.parse(r.stdout);
  expect(o).toMatchObject({ architecture: 'llama', dimension: 64, pooling: null, size: readFileSync(tinyLlama).length });
  expect(o.context_length).toBeGreaterThan(0);
  expect(o.sha256).toBe(createHash('sha256').update(readFileSync(tinyLlama)).digest('hex'));
  const t = await m(['show', 'tiny-bert']);
  expect(t.stdout).toMatch(/^architecture\s+bert/m);
  expect(t.stdout).toMatch(/^dimension\s+\d+/m);
  expect(t.stdout).toMatch(/^sha256\s+[0-9a-f]{64}$/m);
  const miss = await m(['show', 'nope']);
  expect(miss.code).toBe(3);
  expect(miss.stderr).toMatch(/^mullama: MODEL_NOT_FOUND: /);
});

test('convert into the store, then embed by name', async () => {
  const r = await m(['convert', join(testdata, 'tiny-bert-hf'), '--type', 'f32', '--name', 'converted']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(existsSync(join(h.home, 'models', 'converted.gguf'))).toBe(true);
  expect(existsSync(join(h.home, 'models', 'converted.gguf.partial'))).toBe(false);
  const e = await m(['embed', 'converted', 'hello', '--format', 'json']);
  expect(e.code).toBe(0);
  const again = await m(['convert', join(testdata, 'tiny-bert-hf'), '--name', 'converted']);
  expect(again.code).toBe(12);
  expect(again.stderr).toMatch(/already exists/);
  const bad = await m(['convert', join(testdata, 'tiny-bert-hf'), '--type', 'q4']);
  expect(bad.code).toBe(2);
  const notDir = await m(['convert', join(h.home, 'nothing-here')]);
  expect(notDir.code).toBe(3);
});

test('rm', async () => {
  const r = await m(['rm', 'tiny-bert']);
  expect(r.code).toBe(0);
  expect(existsSync(join(h.home, 'models', 'tiny-bert.gguf'))).toBe(false);
  const again = await m(['rm', 'tiny-bert']);
  expect(again.code).toBe(3);
  expect(again.stderr).toMatch(/^mullama: MODEL_NOT_FOUND: /);
  const path = await m(['rm', '../etc/passwd']);
  expect(path.code).toBe(12);
  expect(path.stderr).toMatch(/INVALID_ARGUMENT/);
  expect(existsSync(tinyBert)).toBe(true);
});
