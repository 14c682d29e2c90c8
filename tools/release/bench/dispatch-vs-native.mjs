#!/usr/bin/env node
// What run-time CPU dispatch costs: the portable build (llama.cpp's CPU backend picked at run
// time from one module per CPU generation; what every package ships) against a build for this
// machine's CPU only (target-cpu=native, static llama.cpp, GGML_NATIVE), side by side in one
// run. Both are mullama-bench on the default model; rounds alternate between the two builds so
// that a neighbour's load hits both alike, and each cell is the median over rounds.
//
//   node tools/release/bench/dispatch-vs-native.mjs [--rounds 5] [--texts 256] [--batch 1,32,256]
// The native build lives in target/native (built here on first use, ~4 minutes on 2 cores).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, texts: { type: 'string', default: '256' }, batch: { type: 'string', default: '1,32,256' } } });
const triple = 'x86_64-unknown-linux-gnu';
const systems = {
  portable: join(root, 'target', triple, 'release', 'mullama-bench'),
  native: join(root, 'target', 'native', triple, 'release', 'mullama-bench'),
};
if (!existsSync(systems.portable)) {
  execFileSync('cargo', ['build', '--release', '-p', 'mullama-core', '--bin', 'mullama-bench'], { cwd: root, stdio: 'inherit' });
}
if (!existsSync(systems.native)) {
  console.error('dispatch-vs-native: building the native comparison (target/native)');
  execFileSync('cargo', ['build', '--release', '-p', 'mullama-core', '--no-default-features', '--bin', 'mullama-bench'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, RUSTFLAGS: '-C target-cpu=native', CARGO_TARGET_DIR: join(root, 'target', 'native') },
  });
}
const corpora = ['scenarios/corpus/short.txt', 'scenarios/corpus/mixed.txt'];

/** One mullama-bench run: { 'corpus|batch': texts/s }. */
function run(bin) {
  const args = ['--model', 'all-minilm', '--batch', values.batch, '--texts', values.texts, ...corpora.flatMap((c) => ['--corpus', join(root, c)])];
  const out = execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const cells = {};
  let corpus = null;
  for (const line of out.split('\n')) {
    const c = /^corpus (\S+)/.exec(line);
    if (c) corpus = c[1].split('/').pop();
    const row = /^\s+(\d+)\s+\d+\s+([\d.]+)\s+(\d+)\s+([\d.]+)/.exec(line);
    if (row && corpus) cells[`${corpus}|${row[1]}`] = { textsPerS: +row[2], tokensPerS: +row[3], rssMiB: +row[4] };
  }
  return cells;
}

/** Which CPU backend module a build loads (ggml says so at MULLAMA_LOG=debug). */
function loadedBackend(bin) {
  const args = ['--model', 'all-minilm', '--batch', '1', '--texts', '1', '--corpus', join(root, corpora[0])];
  const r = spawnSync(bin, args, { encoding: 'utf8', env: { ...process.env, MULLAMA_LOG: 'debug' } });
  return /loaded CPU backend from \S*\/(\S+)/.exec(r.stderr)?.[1] ?? 'linked in (static)';
}

const rounds = Number(values.rounds);
const samples = { portable: [], native: [] };
for (let i = 0; i < rounds; i++) {
  for (const name of i % 2 ? ['native', 'portable'] : ['portable', 'native']) samples[name].push(run(systems[name]));
  console.error(`dispatch-vs-native: round ${i + 1}/${rounds} done`);
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpu = /model name\s*:\s*(.+)/.exec(execFileSync('cat', ['/proc/cpuinfo'], { encoding: 'utf8' }))?.[1];
console.log(`\nrun-time dispatch vs target-cpu=native, all-minilm (f16), ${values.texts} texts per cell, median of ${rounds} alternating rounds`);
console.log(`CPU: ${cpu}; portable build's backend: ${loadedBackend(systems.portable)}\n`);
console.log('corpus      batch   portable texts/s   native texts/s   portable/native   peak RSS MiB (p/n)');
for (const key of Object.keys(samples.portable[0])) {
  const [corpus, batch] = key.split('|');
  const p = median(samples.portable.map((s) => s[key].textsPerS));
  const n = median(samples.native.map((s) => s[key].textsPerS));
  const rss = `${median(samples.portable.map((s) => s[key].rssMiB)).toFixed(0)}/${median(samples.native.map((s) => s[key].rssMiB)).toFixed(0)}`;
  console.log(`${corpus.padEnd(11)} ${batch.padStart(5)}   ${p.toFixed(1).padStart(16)}   ${n.toFixed(1).padStart(14)}   ${(p / n).toFixed(3).padStart(15)}   ${rss.padStart(18)}`);
}
