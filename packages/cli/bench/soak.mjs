#!/usr/bin/env node
// Soak benchmark of `mullama serve`: a few keep-alive clients send corpus texts as POST
// /v1/embeddings requests (--batch texts each), many times over, and the server process's RSS is
// printed every --every embeddings, so that a leak in the server (HTTP layer, Node binding or
// core) shows as RSS that keeps growing after the warm-up. Figures, not a pass/fail; it exits
// non-zero only if a request failed. scripts/bench-soak.sh runs it.
//
//   node bench/soak.mjs [--model NAME|PATH] [--corpus FILE] [--total 100000] [--every 10000]
//                       [--batch 64] [--warmup 5000] [--clients 4] [--threads N]
//
// --contexts is accepted for symmetry with the other soaks but does nothing here: the server keeps
// one context per model for its whole life and closes it only on shutdown (the exit code printed
// at the end covers that path).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..', '..');
const cli = join(here, '..', 'dist', 'cli.mjs');
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
    clients: { type: 'string', default: '4' },
    threads: { type: 'string' },
    contexts: { type: 'string', default: '0' },
    timeout: { type: 'string', default: '120' },
  },
});
const num = (k, min = 0) => {
  const n = Number(values[k]);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${k} must be a whole number >= ${min}, got ${values[k]}`);
  return n;
};
const total = num('total');
const every = num('every', 1);
const batch = num('batch', 1);
const warmup = num('warmup');
const clients = num('clients', 1);
const timeoutMs = num('timeout', 1) * 1000;
const corpus = readFileSync(values.corpus, 'utf8').split('\n').filter((l) => l.trim());

/** A field of /proc/PID/status (VmRSS: now, VmHWM: peak) in MiB; NaN once the process is gone. */
function statusMiB(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

// ---- the server ---------------------------------------------------------------------------------
// Spawned as `node cli.mjs serve` (no shell, no `mullama` link), so that child.pid is the server.
const serveArgs = [cli, 'serve', '--port', '0', '--model', values.model];
if (values.threads) serveArgs.push('--threads', values.threads);
const server = spawn(process.execPath, serveArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
const exited = new Promise((res) => server.on('exit', (code, signal) => res({ code, signal })));
const url = await new Promise((res, rej) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = /mullama: listening on (http:\/\/\S+)/.exec(out);
    if (m) res(new URL(m[1]));
  });
  exited.then(({ code, signal }) => rej(new Error(`mullama serve exited (${signal ?? code}) before listening:\n${out}`)));
});
const modelName = values.model.includes('/') || values.model.endsWith('.gguf') ? values.model.split('/').pop().replace(/\.gguf$/, '') : values.model;

// ---- the clients ------------------------------------------------------------------------------
const agent = new Agent({ keepAlive: true, maxSockets: clients });
const failures = new Map(); // distinct failure text -> count

/** One POST /v1/embeddings of `input`; resolves with null, or the text of what went wrong. */
function post(input) {
  const body = JSON.stringify({ model: modelName, input });
  return new Promise((res) => {
    const req = request(
      { host: url.hostname, port: url.port, path: '/v1/embeddings', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (r) => {
        const parts = [];
        r.on('data', (d) => parts.push(d));
        r.on('error', (e) => res(`response error ${e.code ?? ''} ${e.message}`));
        r.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          if (r.statusCode !== 200) return res(`HTTP ${r.statusCode}: ${text.slice(0, 500)}`);
          try {
            const n = JSON.parse(text).data?.length;
            res(n === input.length ? null : `HTTP 200 with ${n} vectors for ${input.length} inputs`);
          } catch (e) {
            res(`HTTP 200 with a body that is not JSON: ${e.message}`);
          }
        });
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer in ${timeoutMs / 1000} s`)));
    req.on('error', (e) => res(`request error ${e.code ?? ''} ${e.message}`));
    req.end(body);
  });
}

let cursor = 0;
/** Sends n texts taken round-robin from the corpus, `batch` a request, from `clients` clients at once. */
async function embedN(n) {
  let left = n;
  const client = async () => {
    while (left > 0) {
      const k = Math.min(batch, left);
      left -= k;
      const input = [];
      for (let i = 0; i < k; i++) input.push(corpus[cursor++ % corpus.length]);
      const fail = await post(input);
      if (fail) failures.set(fail, (failures.get(fail) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
}

console.log(`mullama serve soak: ${url.origin} (pid ${server.pid}), model ${modelName}, corpus ${values.corpus} (${corpus.length} texts)`);
console.log(`${clients} keep-alive clients, ${batch} texts a request; warm-up ${warmup} embeddings, then server RSS every ${every} up to ${total}`);
if (num('contexts')) console.log('--contexts: not applicable to the server (one context per model, closed only at shutdown)');
await embedN(warmup);

const pad = (v, n) => String(v).padStart(n);
console.log(`${pad('embeddings', 10)} ${pad('RSS MiB', 9)} ${pad('delta MiB', 10)} ${pad('texts/s', 9)}`);
const first = statusMiB(server.pid, 'VmRSS');
console.log(`${pad(0, 10)} ${pad(first.toFixed(1), 9)} ${pad('+0.0', 10)} ${pad('-', 9)}`);
let done = 0;
let last = first;
while (done < total) {
  const n = Math.min(every, total - done);
  const t0 = performance.now();
  await embedN(n);
  const secs = (performance.now() - t0) / 1000;
  done += n;
  last = statusMiB(server.pid, 'VmRSS');
  const d = last - first;
  console.log(`${pad(done, 10)} ${pad(last.toFixed(1), 9)} ${pad((d >= 0 ? '+' : '') + d.toFixed(1), 10)} ${pad((n / secs).toFixed(1), 9)}`);
}
const peak = statusMiB(server.pid, 'VmHWM');
agent.destroy();
const failed = [...failures.values()].reduce((a, b) => a + b, 0);
console.log(`requests failed: ${failed}`);
for (const [text, n] of failures) console.log(`  failure x${n}: ${text}`);
const growth = last - first;
console.log(`server peak RSS (VmHWM): ${peak.toFixed(1)} MiB`);
console.log(`RSS growth after warm-up: ${growth.toFixed(1)} MiB (flat within ${FLAT_MIB} MiB: ${Math.abs(growth) <= FLAT_MIB ? 'yes' : 'no'})`);

// SIGTERM drains (nothing in flight) and exits; still up after 60 s (drain timeout 30 s) is stuck.
server.kill('SIGTERM');
const kill = setTimeout(() => server.kill('SIGKILL'), 60_000);
const { code, signal } = await exited;
clearTimeout(kill);
console.log(`server exit after SIGTERM: ${signal ? `killed by ${signal}` : `code ${code}`}${code === 0 ? '' : ' (expected 0)'}`);
process.exit(failed ? 1 : 0);
