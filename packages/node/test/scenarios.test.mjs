// The shared scenarios (scenarios/*.json, see scenarios/README.md), by the same names the Rust
// and Python tests use. Each call is found in the generated table of IDL calls
// (scenarios/generated/calls.json), never in a switch here; the expectations are the same in
// every language and read the result as plain JSON.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as mullama from '../dist/index.mjs';
import { REPO_DIR, TESTDATA } from './helpers.mjs';

const scenarioDir = join(REPO_DIR, 'scenarios');
const { calls: CALLS } = JSON.parse(readFileSync(join(scenarioDir, 'generated', 'calls.json'), 'utf8'));
const scenarios = readdirSync(scenarioDir)
  .filter((f) => f.endsWith('.json') && f !== 'reference-texts.json')
  .flatMap((f) => JSON.parse(readFileSync(join(scenarioDir, f), 'utf8')));
const SCENARIO_KEYS = ['name', 'model', 'call', 'params', 'args', 'expect'];
const EXPECT_KEYS = ['error', 'reference', 'tolerance', 'tokens', 'inputTokens', 'truncated', 'dimension', 'prompt', 'space', 'value', 'vector', 'equals', 'ranking'];

const unit = (v) => {
  const n = Math.hypot(...v);
  return n === 0 ? Array.from(v) : Array.from(v, (x) => x / n);
};
const maxAbsDiff = (a, b) => Math.max(...a.map((x, i) => Math.abs(x - b[i])));
const reference = (model) => JSON.parse(readFileSync(join(TESTDATA, 'reference', `${model}.json`), 'utf8')).items;

/** A result as plain JSON: vectors as arrays, quantized ones as {int8: [..]} or {uint8: [..]},
 * class instances as {class: NAME}. */
function plain(v) {
  if (v instanceof Float32Array) return Array.from(v);
  if (v instanceof Int8Array) return { int8: Array.from(v) };
  if (v instanceof Uint8Array) return { uint8: Array.from(v) };
  if (Array.isArray(v)) return v.map(plain);
  for (const cls of ['Model', 'Context', 'EmbeddingStream']) if (v instanceof mullama[cls]) return { class: cls };
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

async function run(s) {
  const c = CALLS[s.call];
  if (!c) throw new Error(`${s.name}: no IDL call named ${s.call}`);
  const modelPath = join(TESTDATA, `${s.model}.gguf`);
  const arg = (a, p) => {
    if (a === '$model') return modelPath;
    if (p?.type === 'quantized') return a.int8 ? Int8Array.from(a.int8) : Uint8Array.from(a.uint8);
    return a;
  };
  const args = (s.args ?? []).map((a, i) => arg(a, c.params[i]));
  if (c.kind === 'function') return plain(await mullama[c.node](...args));
  if (c.kind === 'static') return plain(await mullama[c.class][c.node](...args));
  // Instance calls: a Model is the scenario's model; any other class is built on it with `params`.
  const model = await mullama.Model.load(modelPath);
  const recv = c.class === 'Model' ? model : new mullama[c.class](model, s.params ?? {});
  try {
    return plain(c.kind === 'getter' ? recv[c.node] : await recv[c.node](...args));
  } finally {
    if (recv !== model) recv.close?.();
  }
}

function column(out, key, want) {
  expect(Array.isArray(out)).toBe(true);
  expect(out).toHaveLength(want.length);
  return out.map((e) => e[key] ?? null); // an absent optional field is JSON null
}

describe('shared scenarios', () => {
  it('the test data exists', () => expect(existsSync(join(TESTDATA, 'tiny-bert.gguf'))).toBe(true));
  for (const s of scenarios) {
    it(s.name, async () => {
      for (const k of Object.keys(s)) expect(SCENARIO_KEYS, `unknown scenario key ${k}`).toContain(k);
      const e = s.expect;
      for (const k of Object.keys(e)) expect(EXPECT_KEYS, `unknown expect key ${k}`).toContain(k);
      if (e.error) {
        await expect(run(s)).rejects.toMatchObject({ code: e.error });
        return;
      }
      const out = await run(s);
      const tol = e.tolerance ?? 0;
      let checked = 0;
      if (e.reference) {
        const refs = reference(s.model);
        expect(out).toHaveLength(s.args[0].length);
        s.args[0].forEach((text, i) => {
          const r = refs.find((x) => x.text === text);
          expect(maxAbsDiff(unit(out[i].data), unit(r.pooled[e.reference]))).toBeLessThanOrEqual(tol);
        });
        checked++;
      }
      for (const key of ['tokens', 'inputTokens', 'truncated', 'dimension', 'prompt', 'space']) {
        if (e[key]) {
          expect(column(out, key, e[key])).toEqual(e[key]);
          checked++;
        }
      }
      if ('value' in e) {
        expect(Math.abs(out - e.value)).toBeLessThanOrEqual(tol);
        checked++;
      }
      if (e.vector) {
        expect(out).toHaveLength(e.vector.length);
        expect(maxAbsDiff(out, e.vector)).toBeLessThanOrEqual(tol);
        checked++;
      }
      if (e.ranking) {
        // Context.rank against reference/NAME.json: each logit, token count and the order.
        const [query, docs, opts] = s.args;
        const refs = JSON.parse(readFileSync(join(TESTDATA, 'reference', `${e.ranking}.json`), 'utf8')).items;
        const ref = docs.map((d) => refs.find((r) => r.query === query && r.document === d));
        const order = docs.map((_, i) => i).sort((a, b) => ref[b].logit - ref[a].logit).slice(0, opts?.topN ?? docs.length);
        expect(out.map((r) => r.index)).toEqual(order);
        for (const r of out) {
          expect(Math.abs(r.logit - ref[r.index].logit)).toBeLessThanOrEqual(tol);
          expect(r.tokens).toBe(ref[r.index].tokens.length);
        }
        checked++;
      }
      if ('equals' in e) {
        expect(out).toEqual(e.equals);
        checked++;
      }
      expect(checked, 'a successful call must be checked').toBeGreaterThan(0);
    });
  }
});
