#!/usr/bin/env node
// Throughput of mullama through Node, beside the Rust core (target/x86_64-unknown-linux-gnu/release/mullama-bench, run as
// a child process on the same corpora and batch sizes) and node-llama-cpp (npm, prebuilt CPU
// binaries) on the same GGUF. Figures, not a pass/fail.
//
//   node bench/throughput.mjs [--model NAME|PATH] [--corpus FILE]... [--batch 1,8,32,128,256]
//                             [--texts N] [--threads N] [--skip rust,nlc]
//
// Each engine runs in its own child process so that its peak RSS is its own
// (process.resourceUsage().maxRSS: the peak of the whole process, weights included).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..', '..');
const DOCS_CPU = { 1: '~10', 8: '~60', 32: '~150', 128: '~200', 256: '~210' };

function parseArgs(argv) {
  const a = { model: 'all-minilm', corpora: [], batches: [1, 8, 32, 128, 256], texts: 1024, threads: 0, skip: [], engine: null };
  for (let i = 0; i < argv.length; i++) {
    const v = () => argv[++i];
    switch (argv[i]) {
      case '--model': a.model = v(); break;
      case '--corpus': a.corpora.push(v()); break;
      case '--batch': a.batches = v().split(',').map(Number); break;
      case '--texts': a.texts = Number(v()); break;
      case '--threads': a.threads = Number(v()); break;
      case '--skip': a.skip = v().split(','); break;
      case '--engine': a.engine = v(); break;
      default: throw new Error(`unknown flag ${argv[i]}`);
    }
  }
  if (!a.corpora.length) {
    const shared = process.env.MULLAMA_SHARED || join(repo, '..', 'shared');
    a.corpora = [join(shared, 'bench', 'corpus-short.txt'), join(shared, 'bench', 'corpus-mixed.txt')];
  }
  return a;
}

/** Same resolution as mullama_core::store::resolve. */
function resolveModel(name) {
  if (existsSync(name) || name.endsWith('.gguf') || name.includes('/')) return resolve(name);
  const home = process.env.MULLAMA_HOME ? process.env.MULLAMA_HOME : join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mullama');
  return join(home, 'models', `${name.replaceAll(':', '-')}.gguf`);
}

const readLines = (f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.trim());
const countFor = (batch, n, texts) => Math.min(batch === 1 ? Math.min(n, 256) : n, texts.length);
const rssMiB = () => process.resourceUsage().maxRSS / 1024;

// ---- engines (each runs in a child process and prints JSON rows) ------------------------------

async function runMullama(a, modelPath) {
  const { Model, Context } = await import('../dist/index.mjs');
  const model = await Model.load(modelPath);
  const context = new Context(model, { embeddings: true, nThreads: a.threads, nCtx: model.info.contextLength }) // peers embed up to the position table;
  const rows = [];
  for (const corpus of a.corpora) {
    const lines = readLines(corpus);
    await context.getEmbeddingBatch(lines.slice(0, 64)); // warm-up, as the Rust bench
    for (const batch of a.batches) {
      const n = countFor(batch, a.texts, lines);
      let tokens = 0;
      const t0 = performance.now();
      for (let i = 0; i < n; i += batch) {
        for (const e of await context.getEmbeddingBatch(lines.slice(i, Math.min(i + batch, n)))) tokens += e.tokens;
      }
      const s = (performance.now() - t0) / 1000;
      rows.push({ corpus, batch, n, textsPerS: n / s, tokensPerS: tokens / s, rss: rssMiB() });
    }
  }
  context.close();
  return rows;
}

async function runNodeLlamaCpp(a, modelPath) {
  const { getLlama } = await import('node-llama-cpp');
  // Prebuilt CPU binaries from npm only: never build or download.
  const llama = await getLlama({ gpu: false, build: 'never', skipDownload: true, logLevel: 'error' });
  const model = await llama.loadModel({ modelPath });
  const threads = a.threads || availableParallelism();
  const ctx = await model.createEmbeddingContext({ contextSize: 512, batchSize: 512, threads });
  const rows = [];
  for (const corpus of a.corpora) {
    const lines = readLines(corpus);
    // Token counts from the model's own tokenizer, with [CLS]/[SEP] like mullama's counts.
    const tok = lines.map((l) => ctx.calculateInputLength(l));
    await Promise.all(lines.slice(0, 64).map((t) => ctx.getEmbeddingFor(t)));
    for (const batch of a.batches) {
      const n = countFor(batch, a.texts, lines);
      let tokens = 0;
      const t0 = performance.now();
      for (let i = 0; i < n; i += batch) {
        const chunk = lines.slice(i, Math.min(i + batch, n));
        await Promise.all(chunk.map((t) => ctx.getEmbeddingFor(t)));
        for (let j = i; j < i + chunk.length; j++) tokens += tok[j];
      }
      const s = (performance.now() - t0) / 1000;
      rows.push({ corpus, batch, n, textsPerS: n / s, tokensPerS: tokens / s, rss: rssMiB() });
    }
  }
  await ctx.dispose();
  await model.dispose();
  return rows;
}

function runRust(a, modelPath) {
  const bin = join(repo, 'target', 'x86_64-unknown-linux-gnu', 'release', 'mullama-bench');
  if (!existsSync(bin)) throw new Error(`${bin} is not built: run \`cargo build --release -p mullama-core --bins\``);
  const args = ['--model', modelPath, '--batch', a.batches.join(','), '--texts', String(a.texts)];
  for (const c of a.corpora) args.push('--corpus', c);
  if (a.threads) args.push('--threads', String(a.threads));
  const out = execFileSync(bin, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  const rows = [];
  let corpus = null;
  for (const line of out.split('\n')) {
    const c = /^corpus (\S+) \(/.exec(line);
    if (c) corpus = c[1];
    const r = /^\s*(\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)/.exec(line);
    if (r && corpus) rows.push({ corpus, batch: +r[1], n: +r[2], textsPerS: +r[3], tokensPerS: +r[4], rss: +r[5] });
  }
  return { rows, header: out.split('\n')[0] };
}

// ---- driver -------------------------------------------------------------------------------------

function child(engine, argv) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...argv, '--engine', engine], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const last = r.stdout.trim().split('\n').pop() || '';
  if (r.status !== 0 || !last.startsWith('{')) return { error: (r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n').slice(-3).join(' | ') };
  return JSON.parse(last);
}

const a = parseArgs(process.argv.slice(2));
const modelPath = resolveModel(a.model);

if (a.engine) {
  const rows = a.engine === 'mullama' ? await runMullama(a, modelPath) : await runNodeLlamaCpp(a, modelPath);
  console.log(JSON.stringify({ rows }));
  process.exit(0);
}

const argv = process.argv.slice(2);
console.log(`mullama Node bench: model ${modelPath}, ${availableParallelism()} cores, node ${process.version}`);
const results = {};
process.stdout.write('running mullama (Node) ...\n');
results.node = child('mullama', argv);
if (!a.skip.includes('rust')) {
  process.stdout.write('running mullama-bench (Rust) ...\n');
  try {
    const r = runRust(a, modelPath);
    results.rust = { rows: r.rows };
    console.log(`  ${r.header}`);
  } catch (e) {
    results.rust = { error: String(e.message).split('\n')[0] };
  }
}
if (!a.skip.includes('nlc')) {
  process.stdout.write('running node-llama-cpp ...\n');
  let version = '?';
  try {
    version = JSON.parse(readFileSync(join(here, 'node_modules', 'node-llama-cpp', 'package.json'), 'utf8')).version;
  } catch {}
  results.nlc = child('nlc', argv);
  results.nlcVersion = version;
}

const cols = [
  ['node', 'mullama (Node, getEmbeddingBatch per chunk)'],
  ['rust', 'mullama-core (Rust, mullama-bench)'],
  ['nlc', `node-llama-cpp ${results.nlcVersion ?? ''} (getEmbeddingFor per text, Promise.all per chunk)`],
].filter(([k]) => results[k]);
for (const [k, label] of cols) if (results[k].error) console.log(`\n${label}: not run: ${results[k].error}`);
const live = cols.filter(([k]) => !results[k].error);
const pad = (s, n) => String(s).padStart(n);
for (const corpus of a.corpora) {
  console.log(`\ncorpus ${corpus}`);
  console.log(live.map(([, l], i) => `[${i + 1}] ${l}`).join('\n'));
  let head = `${pad('batch', 6)} ${pad('texts', 6)}`;
  for (let i = 0; i < live.length; i++) head += ` | ${pad(`[${i + 1}] texts/s`, 13)} ${pad('tokens/s', 9)} ${pad('RSS MiB', 8)}`;
  console.log(`${head} | ${pad('seed page', 9)}`);
  for (const batch of a.batches) {
    const rows = live.map(([k]) => results[k].rows.find((r) => r.corpus === corpus && r.batch === batch));
    let line = `${pad(batch, 6)} ${pad(rows[0]?.n ?? '', 6)}`;
    for (const r of rows) line += r ? ` | ${pad(r.textsPerS.toFixed(1), 13)} ${pad(r.tokensPerS.toFixed(0), 9)} ${pad(r.rss.toFixed(0), 8)}` : ` | ${pad('-', 13)} ${pad('-', 9)} ${pad('-', 8)}`;
    console.log(`${line} | ${pad(DOCS_CPU[batch] ?? '', 9)}`);
  }
}
console.log('\nRSS: Node columns are the process peak so far (maxRSS, cannot be reset); Rust resets it per row.');
