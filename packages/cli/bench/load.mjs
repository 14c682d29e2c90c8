#!/usr/bin/env node
// Load benchmark of `mullama serve` over loopback: C concurrent clients each send R requests of
// POST /v1/embeddings (T corpus texts each) on keep-alive connections. Prints requests ok/failed,
// latency percentiles, requests/s, texts/s and the server's peak RSS, then stops the server with
// SIGTERM and prints its exit code. Figures, not a pass/fail: the one result it exits non-zero on
// is a failed request (a correctness result; times are never asserted). scripts/bench-soak.sh runs it.
//
//   node bench/load.mjs [--model NAME|PATH] [--corpus FILE] [--clients 32] [--requests 50]
//                       [--texts-per-request 4] [--timeout 120] [--threads N]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..', '..');
const cli = join(here, '..', 'dist', 'cli.mjs');

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'all-minilm' },
    corpus: { type: 'string', default: join(process.env.MULLAMA_SHARED || join(repo, '..', 'shared'), 'bench', 'corpus-short.txt') },
    clients: { type: 'string', default: '32' },
    requests: { type: 'string', default: '50' },
    'texts-per-request': { type: 'string', default: '4' },
    timeout: { type: 'string', default: '120' },
    threads: { type: 'string' },
  },
});
const num = (k, min = 1) => {
  const n = Number(values[k]);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${k} must be a whole number >= ${min}, got ${values[k]}`);
  return n;
};
const clients = num('clients');
const perClient = num('requests');
const perRequest = num('texts-per-request');
const timeoutMs = num('timeout') * 1000;
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
// Spawned as `node cli.mjs serve` (not through a shell or the `mullama` link), so that child.pid is
// the server process itself and its /proc status is the server's.
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
// The request names the model as the server does: its store name, or a path's file name.
const modelName = values.model.includes('/') || values.model.endsWith('.gguf') ? values.model.split('/').pop().replace(/\.gguf$/, '') : values.model;

// ---- the clients ------------------------------------------------------------------------------
const agent = new Agent({ keepAlive: true, maxSockets: clients });
let connections = 0;
const seenSockets = new WeakSet();
let cursor = 0;
let dims = 0;

/** One POST /v1/embeddings; resolves with {ms} or {fail: text naming what went wrong}. */
function embedOnce() {
  const input = [];
  for (let i = 0; i < perRequest; i++) input.push(corpus[cursor++ % corpus.length]);
  const body = JSON.stringify({ model: modelName, input });
  const t0 = performance.now();
  return new Promise((res) => {
    const req = request(
      { host: url.hostname, port: url.port, path: '/v1/embeddings', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (r) => {
        const parts = [];
        r.on('data', (d) => parts.push(d));
        r.on('error', (e) => res({ fail: `response error ${e.code ?? ''} ${e.message}` }));
        r.on('end', () => {
          const ms = performance.now() - t0;
          const text = Buffer.concat(parts).toString('utf8');
          if (r.statusCode !== 200) return res({ fail: `HTTP ${r.statusCode}: ${text.slice(0, 500)}` });
          // A 200 must also be the right answer: one vector per input, all of one length.
          try {
            const data = JSON.parse(text).data;
            if (!Array.isArray(data) || data.length !== input.length) return res({ fail: `HTTP 200 with ${data?.length} vectors for ${input.length} inputs` });
            for (const d of data) {
              if (!dims) dims = d.embedding.length;
              if (d.embedding.length !== dims) return res({ fail: `HTTP 200 with a vector of ${d.embedding.length} values, not ${dims}` });
            }
          } catch (e) {
            return res({ fail: `HTTP 200 with a body that is not an embedding list: ${e.message}` });
          }
          res({ ms });
        });
      },
    );
    req.on('socket', (s) => {
      if (!seenSockets.has(s)) {
        seenSockets.add(s);
        connections++;
      }
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer in ${timeoutMs / 1000} s`)));
    req.on('error', (e) => res({ fail: `request error ${e.code ?? ''} ${e.message}` }));
    req.end(body);
  });
}

const failures = new Map(); // distinct failure text -> count
const latencies = [];
const record = (r) => {
  if (r.fail) failures.set(r.fail, (failures.get(r.fail) ?? 0) + 1);
  else latencies.push(r.ms);
};

console.log(`mullama serve load: ${url.origin} (pid ${server.pid}), model ${modelName}, corpus ${values.corpus} (${corpus.length} texts)`);
console.log(`${clients} clients x ${perClient} requests x ${perRequest} texts, keep-alive`);
// Warm-up: one request, so that the first timed ones do not pay for page-in of the weights.
record(await embedOnce());
latencies.length = 0;
const rssBefore = statusMiB(server.pid, 'VmRSS');

const t0 = performance.now();
await Promise.all(
  Array.from({ length: clients }, async () => {
    for (let i = 0; i < perClient; i++) record(await embedOnce());
  }),
);
const secs = (performance.now() - t0) / 1000;
const rssAfter = statusMiB(server.pid, 'VmRSS');
const peak = statusMiB(server.pid, 'VmHWM');
agent.destroy();

const ok = latencies.length;
const failed = [...failures.values()].reduce((a, b) => a + b, 0);
latencies.sort((a, b) => a - b);
const pct = (q) => (ok ? latencies[Math.min(ok - 1, Math.ceil(q * ok) - 1)].toFixed(1) : '-');
console.log(`requests: ${ok} ok, ${failed} failed (of ${clients * perClient} timed, plus 1 warm-up) over ${connections} connections`);
for (const [text, n] of failures) console.log(`  failure x${n}: ${text}`);
console.log(`latency ms: p50 ${pct(0.5)}  p90 ${pct(0.9)}  p99 ${pct(0.99)}  max ${ok ? latencies[ok - 1].toFixed(1) : '-'}`);
console.log(`throughput: ${(ok / secs).toFixed(1)} requests/s, ${((ok * perRequest) / secs).toFixed(1)} texts/s (${secs.toFixed(1)} s)`);
console.log(`server RSS: ${rssBefore.toFixed(1)} MiB after warm-up, ${rssAfter.toFixed(1)} MiB at the end, peak ${peak.toFixed(1)} MiB (VmHWM)`);

// Stop: SIGTERM drains (nothing is in flight now) and exits; --drain-timeout is 30 s, so a
// server still up after 60 s is stuck and gets SIGKILL.
server.kill('SIGTERM');
const kill = setTimeout(() => server.kill('SIGKILL'), 60_000);
const { code, signal } = await exited;
clearTimeout(kill);
console.log(`server exit after SIGTERM: ${signal ? `killed by ${signal}` : `code ${code}`}${code === 0 ? '' : ' (expected 0)'}`);
process.exit(failed ? 1 : 0);
