// The shared scenarios (scenarios/*.json, see scenarios/README.md), by the same names the Rust
// and Python tests use. Params and options are already in the IDL's (Node) spelling.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Context, Model, cosineSimilarity, dotProduct, normalize } from '../dist/index.mjs';
import { REPO_DIR, TESTDATA } from './helpers.mjs';

const scenarioDir = join(REPO_DIR, 'scenarios');
const scenarios = readdirSync(scenarioDir)
  .filter((f) => f.endsWith('.json') && f !== 'reference-texts.json')
  .flatMap((f) => JSON.parse(readFileSync(join(scenarioDir, f), 'utf8')));

const unit = (v) => {
  const n = Math.hypot(...v);
  return n === 0 ? Array.from(v) : Array.from(v, (x) => x / n);
};
const maxAbsDiff = (a, b) => Math.max(...a.map((x, i) => Math.abs(x - b[i])));
const reference = (model) => JSON.parse(readFileSync(join(TESTDATA, 'reference', `${model}.json`), 'utf8')).items;

async function run(s) {
  const modelPath = () => join(TESTDATA, `${s.model}.gguf`);
  switch (s.call) {
    case 'Model.load':
      return Model.load(modelPath());
    case 'Context.getEmbeddingBatch': {
      const ctx = new Context(await Model.load(modelPath()), s.params ?? {});
      try {
        return await ctx.getEmbeddingBatch(s.input, s.options ?? {});
      } finally {
        ctx.close();
      }
    }
    case 'cosineSimilarity':
      return cosineSimilarity(...s.input);
    case 'dotProduct':
      return dotProduct(...s.input);
    case 'normalize':
      return normalize(s.input[0]);
    default:
      throw new Error(`scenario call ${s.call} is not mapped in scenarios.test.mjs`);
  }
}

describe('shared scenarios', () => {
  it('the test data exists', () => expect(existsSync(join(TESTDATA, 'tiny-bert.gguf'))).toBe(true));
  for (const s of scenarios) {
    it(s.name, async () => {
      const e = s.expect;
      if (e.error) {
        await expect(run(s)).rejects.toMatchObject({ code: e.error });
        return;
      }
      const out = await run(s);
      const tol = e.tolerance ?? 0;
      if (e.reference) {
        const refs = reference(s.model);
        s.input.forEach((text, i) => {
          const r = refs.find((x) => x.text === text);
          expect(maxAbsDiff(unit(out[i].data), unit(r.pooled[e.reference]))).toBeLessThanOrEqual(tol);
        });
      }
      if (e.tokens) expect(out.map((x) => x.tokens)).toEqual(e.tokens);
      if (e.inputTokens) expect(out.map((x) => x.inputTokens)).toEqual(e.inputTokens);
      if (e.truncated) expect(out.map((x) => x.truncated)).toEqual(e.truncated);
      if ('value' in e) expect(Math.abs(out - e.value)).toBeLessThanOrEqual(tol);
      if (e.vector) expect(maxAbsDiff(Array.from(out), e.vector)).toBeLessThanOrEqual(tol);
    });
  }
});
