#!/usr/bin/env node
// Soak benchmark of mullama through Node: embeds corpus texts in batches, many times over, and
// prints the process RSS every --every embeddings, so that a leak (native or JS) shows as RSS that
// keeps growing after the warm-up. Figures, not a pass/fail (scripts/bench-soak.sh runs it).
//
//   node --expose-gc bench/soak.mjs [--model NAME|PATH] [--corpus FILE] [--total 100000]
//        [--every 10000] [--batch 64] [--warmup 5000] [--threads N] [--contexts N]
//
// --expose-gc lets each reading follow a full GC, so that garbage not yet collected (the
// Float32Arrays of the last window) is not mistaken for growth. --contexts N then opens, uses and
// closes N more contexts on the same model and prints RSS before and after (Context.close).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..', '..');
// RSS growth that still counts as flat (allocator and V8 heap sizing move RSS by a few MiB).
const FLAT_MIB = 10;

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'all-minilm' },
    corpus: { type: 'string', default: join(process.env.MULLAMA_SHARED || join(repo, '..', 'shared'), 'bench', 'corpus-short.txt') },
    total: { type: 'string', default: '100000' },
    every: { type: 'string', default: '10000' },
    batch: { type: 'string', default: '64' },
    warmup: { type: 'string', default: '5000' },
    threads: { type: 'string', default: '0' },
    contexts: { type: 'string', default: '0' },
  },
});
const [total, every, batch, warmup, threads, contexts] = ['total', 'every', 'batch', 'warmup', 'threads', 'contexts'].map((k) => {
  const n = Number(values[k]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${k} must be a whole number, got ${values[k]}`);
  return n;
});

/** A field of /proc/self/status (VmRSS: now, VmHWM: peak) in MiB. */
function statusMiB(field) {
  const m = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}
const rssMiB = () => {
  globalThis.gc?.();
  return statusMiB('VmRSS');
};

const { Model, Context, resolveModelPath } = await import('../dist/index.mjs');
const lines = readFileSync(values.corpus, 'utf8').split('\n').filter((l) => l.trim());
const path = resolveModelPath(values.model);
const model = await Model.load(path);
const params = { embeddings: true, nThreads: threads };
const ctx = new Context(model, params);

let cursor = 0;
/** Embeds n texts taken round-robin from the corpus, `batch` a call. */
async function embedN(c, n) {
  for (let left = n; left > 0; ) {
    const chunk = [];
    for (let i = 0; i < Math.min(batch, left); i++) chunk.push(lines[cursor++ % lines.length]);
    const out = await c.getEmbeddingBatch(chunk);
    if (out.length !== chunk.length) throw new Error(`${out.length} vectors for ${chunk.length} texts`);
    left -= chunk.length;
  }
}

console.log(`mullama Node soak: model ${path} (${model.info.dimension} dims), node ${process.version}${globalThis.gc ? '' : ' (no --expose-gc: readings include uncollected garbage)'}`);
console.log(`corpus ${values.corpus} (${lines.length} texts), ${batch} texts a call; warm-up ${warmup} embeddings, then RSS every ${every} up to ${total}`);
await embedN(ctx, warmup);

const pad = (v, n) => String(v).padStart(n);
console.log(`${pad('embeddings', 10)} ${pad('RSS MiB', 9)} ${pad('delta MiB', 10)} ${pad('texts/s', 9)}`);
const first = rssMiB();
console.log(`${pad(0, 10)} ${pad(first.toFixed(1), 9)} ${pad('+0.0', 10)} ${pad('-', 9)}`);
let done = 0;
let last = first;
while (done < total) {
  const n = Math.min(every, total - done);
  const t0 = performance.now();
  await embedN(ctx, n);
  const secs = (performance.now() - t0) / 1000;
  done += n;
  last = rssMiB();
  const d = last - first;
  console.log(`${pad(done, 10)} ${pad(last.toFixed(1), 9)} ${pad((d >= 0 ? '+' : '') + d.toFixed(1), 10)} ${pad((n / secs).toFixed(1), 9)}`);
}
ctx.close();
const growth = last - first;
console.log(`peak RSS (VmHWM): ${statusMiB('VmHWM').toFixed(1)} MiB`);
console.log(`RSS growth after warm-up: ${growth.toFixed(1)} MiB (flat within ${FLAT_MIB} MiB: ${Math.abs(growth) <= FLAT_MIB ? 'yes' : 'no'})`);

if (contexts > 0) {
  // Each context does one call so that its workers really create their llama.cpp contexts; one
  // cycle first so that what is allocated once per process is not counted.
  const cycle = async () => {
    const c = new Context(model, params);
    await c.getEmbeddingBatch(lines.slice(0, 8));
    c.close();
  };
  await cycle();
  const before = rssMiB();
  for (let i = 0; i < contexts; i++) await cycle();
  const after = rssMiB();
  const d = after - before;
  console.log(
    `contexts: ${contexts} opened, used and closed: RSS ${before.toFixed(1)} -> ${after.toFixed(1)} MiB (${d >= 0 ? '+' : ''}${d.toFixed(1)} MiB, ${((d * 1024) / contexts).toFixed(0)} KiB per context)`,
  );
}
