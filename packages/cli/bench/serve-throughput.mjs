#!/usr/bin/env node
// Throughput of `mullama serve` (POST /v1/embeddings over loopback, one client, requests of B texts)
// beside the Node library (context.getEmbeddingBatch of the same B texts) on the same model and
// corpus. Figures, not a pass/fail.
//
//   node bench/serve-throughput.mjs [--model NAME|PATH] [--corpus FILE] [--batch 1,8,32,128,256] [--texts N]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..', '..');
const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'all-minilm' },
    corpus: { type: 'string', default: join(process.env.MULLAMA_SHARED || join(repo, '..', 'shared'), 'bench', 'corpus-short.txt') },
    batch: { type: 'string', default: '1,8,32,128,256' },
    texts: { type: 'string', default: '512' },
  },
});
const batches = values.batch.split(',').map(Number);
const corpus = readFileSync(values.corpus, 'utf8').split('\n').filter((l) => l.trim());
const nTexts = Math.min(Number(values.texts), corpus.length);
const countFor = (b) => Math.max(b, Math.min(b === 1 ? 128 : nTexts, corpus.length));

async function timeIt(b, f) {
  const n = countFor(b);
  await f(corpus.slice(0, Math.min(b, 8))); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < n; i += b) await f(corpus.slice(i, Math.min(i + b, n)));
  return n / ((performance.now() - t0) / 1000);
}

// Library
const { Model, Context } = await import('mullama');
const cli = join(here, '..', 'dist', 'cli.mjs');
const { execFileSync } = await import('node:child_process');
const path = JSON.parse(execFileSync(process.execPath, [cli, 'show', values.model, '--format', 'json'], { encoding: 'utf8' })).path;
const model = await Model.load(path);
const ctx = new Context(model, { embeddings: true, nCtx: model.info.contextLength }); // as the server below
const lib = {};
for (const b of batches) lib[b] = await timeIt(b, (t) => ctx.getEmbeddingBatch(t, { normalize: true }));
ctx.close();

// Server
const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--model', path, '--n-ctx', String(model.info.contextLength)], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((res, rej) => {
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    const m = /listening on (\S+)/.exec(out);
    if (m) res(m[1]);
  });
  child.on('exit', (c) => rej(new Error(`server exited ${c}`)));
});
const name = path.split('/').pop().replace(/\.gguf$/, '');
const srv = {};
for (const b of batches) {
  srv[b] = await timeIt(b, async (input) => {
    const r = await fetch(`${url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: name, input }) });
    if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${await r.text()}`);
    await r.arrayBuffer();
  });
}
child.kill('SIGTERM');

console.log(`model ${path} (${model.info.dimension} dims), corpus ${values.corpus}`);
console.log('batch   library texts/s   server texts/s   server/library');
for (const b of batches) console.log(`${String(b).padStart(5)}   ${lib[b].toFixed(1).padStart(15)}   ${srv[b].toFixed(1).padStart(14)}   ${(srv[b] / lib[b]).toFixed(2).padStart(14)}`);
