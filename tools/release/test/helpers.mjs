// What the release tests share: paths, the default model, and running a program under qemu
// with an older CPU model than this machine's.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export function modelsDir() {
  if (process.env.MULLAMA_HOME) return join(process.env.MULLAMA_HOME, 'models');
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mullama', 'models');
}
export const DEFAULT_MODEL = join(modelsDir(), 'all-minilm.gguf');

/**
 * An x86-64 CPU without AVX or AVX2 (Nehalem: SSE4.2 is its newest extension), emulated by
 * qemu-user. Under it, a module built for this machine's AVX2/AVX-512 dies with SIGILL; the
 * portable build must pick its SSE4.2 backend and embed.
 */
export const OLD_CPU = 'Nehalem';
export const OLD_CPU_BACKEND = 'libggml-cpu-sse42.so';

export function qemu() {
  for (const p of ['/usr/bin/qemu-x86_64', '/usr/bin/qemu-x86_64-static']) if (existsSync(p)) return p;
  throw new Error('qemu-x86_64 is missing: scripts/setup.sh test installs qemu-user');
}

/** Runs `cmd args` under qemu as an OLD_CPU; returns { status, stdout, stderr }. */
export function runOnOldCpu(cmd, args, opts = {}) {
  const r = spawnSync(qemu(), ['-cpu', OLD_CPU, cmd, ...args], {
    encoding: 'utf8',
    timeout: 540_000,
    ...opts,
    env: { ...process.env, MULLAMA_LOG: 'debug', ...(opts.env ?? {}) },
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** The name of the CPU backend module ggml reported loading (MULLAMA_LOG=debug output). */
export function loadedBackend(stderr) {
  return /loaded CPU backend from (\S+)/.exec(stderr)?.[1]?.split('/').pop() ?? null;
}

export function sh(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

export function cosine(a, b) {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
  return dot / Math.sqrt(na * nb);
}
