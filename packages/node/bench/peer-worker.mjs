#!/usr/bin/env node
// The Node.js side of the peer benchmark (tools/bench-peers/run.py): the npm package mullama or
// node-llama-cpp, loaded once, answering one request per stdin line with one JSON line:
//
//   node peer-worker.mjs mullama|node-llama-cpp MODEL THREADS
//   run CORPUS BATCH COUNT   -> {"seconds", "texts", "tokens"}   (BATCH texts per call)
//   vectors CORPUS COUNT     -> {"vectors": [[...], ...]}
//
// Timing is taken here, around the calls only, as in every worker of the harness.
// It lives here because this package already depends on both (pnpm-workspace.yaml).
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const [engine, modelPath, threadsArg] = process.argv.slice(2);
const threads = Number(threadsArg);
const corpora = new Map();
const linesOf = (path) => {
  if (!corpora.has(path)) corpora.set(path, readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()));
  return corpora.get(path);
};

/** `embed(texts) -> {vectors, tokens}` for one engine: one call per batch. Token counts are
 * mullama's own (null here): the harness counts every system's tokens with the Rust worker. */
async function load() {
  if (engine === 'mullama') {
    const { Model, Context } = await import('mullama');
    const model = await Model.load(modelPath);
    const context = new Context(model, { embeddings: true, nThreads: threads });
    return async (texts) => {
      const out = await context.getEmbeddingBatch(texts);
      return { vectors: out.map((e) => e.data), tokens: out.reduce((n, e) => n + e.tokens, 0) };
    };
  }
  if (engine === 'node-llama-cpp') {
    const { getLlama } = await import('node-llama-cpp');
    // Its prebuilt CPU binaries from npm: never build or download anything.
    const llama = await getLlama({ gpu: false, build: 'never', skipDownload: true, logLevel: 'error' });
    const model = await llama.loadModel({ modelPath });
    const ctx = await model.createEmbeddingContext({ contextSize: 512, batchSize: 512, threads });
    // It has no batch call: a batch is every text's call at once, as its docs show.
    return async (texts) => {
      const out = await Promise.all(texts.map((t) => ctx.getEmbeddingFor(t)));
      return { vectors: out.map((e) => e.vector), tokens: null };
    };
  }
  throw new Error(`unknown engine ${engine}`);
}

const embed = await load();
process.stdout.write('{"ready": true}\n');
for await (const line of createInterface({ input: process.stdin })) {
  const w = line.trim().split(/\s+/);
  if (w[0] === 'run') {
    const texts = linesOf(w[1]).slice(0, Number(w[3]));
    const batch = Number(w[2]);
    let tokens = 0;
    const t0 = performance.now();
    for (let i = 0; i < texts.length; i += batch) tokens += (await embed(texts.slice(i, i + batch))).tokens ?? 0;
    const seconds = (performance.now() - t0) / 1000;
    process.stdout.write(JSON.stringify({ seconds, texts: texts.length, tokens }) + '\n');
  } else if (w[0] === 'vectors') {
    // Each engine's own vector type inside the timed loop; plain arrays only here.
    const { vectors } = await embed(linesOf(w[1]).slice(0, Number(w[2])));
    process.stdout.write(JSON.stringify({ vectors: vectors.map((v) => Array.from(v)) }) + '\n');
  } else break;
}
process.exit(0);
