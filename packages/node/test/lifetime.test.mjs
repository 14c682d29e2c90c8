// A context's lifetime against its calls: garbage collection with promises pending, and the
// process exiting while the engine is working (llama.cpp's static destructors run at exit).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, PKG_DIR } from './helpers.mjs';

/** Runs an ES module script in a child Node with the built package as `mullama`. */
function runScript(source, args = []) {
  const url = new URL('../dist/index.mjs', import.meta.url).href;
  const code = source.replaceAll('MULLAMA', JSON.stringify(url)).replaceAll('MODEL', JSON.stringify(DEFAULT_MODEL));
  return spawnSync(process.execPath, [...args, '--input-type=module', '-e', code], { cwd: PKG_DIR, encoding: 'utf8', timeout: 120_000 });
}

const TEXTS = 'Array.from({ length: 2000 }, (_, i) => `a sentence to embed, number ${i}`)';

describe('lifetime', () => {
  it('a context that is garbage while its calls are pending still delivers them', () => {
    const r = runScript(
      `import { Context, Model } from MULLAMA;
       const model = await Model.load(MODEL);
       const texts = ${TEXTS};
       // The context is referenced only inside this function; its promises outlive it.
       function start() {
         const context = new Context(model, { embeddings: true });
         const calls = [];
         for (let i = 0; i < texts.length; i += 50) calls.push(context.getEmbeddingBatch(texts.slice(i, i + 50)));
         return calls;
       }
       const calls = start();
       for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 10)); }
       const results = await Promise.allSettled(calls);
       const failed = results.filter((x) => x.status === 'rejected').map((x) => x.reason.code);
       console.log(JSON.stringify({ fulfilled: results.length - failed.length, failed }));`,
      ['--expose-gc'],
    );
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ fulfilled: 40, failed: [] });
  });

  it('process.exit while texts are being embedded exits with its own status', () => {
    for (let round = 0; round < 3; round++) {
      const r = runScript(
        `import { Context, Model } from MULLAMA;
         const context = new Context(await Model.load(MODEL), { embeddings: true });
         const texts = ${TEXTS};
         for (let i = 0; i < texts.length; i += 50) context.getEmbeddingBatch(texts.slice(i, i + 50)).catch(() => {});
         setTimeout(() => process.exit(3), 30 + 20 * ${round});`,
      );
      expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({ status: 3, signal: null, stderr: '' });
    }
  });
});
