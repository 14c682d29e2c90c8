import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
export const repo = join(pkg, '..', '..');
export const cli = join(pkg, 'dist', 'cli.mjs');
export const testdata = join(repo, 'target', 'testdata');
export const tinyBert = join(testdata, 'tiny-bert.gguf');
export const tinyLlama = join(testdata, 'tiny-llama.gguf');
/** A cross-encoder (scripts/gen-testdata.sh): what the rerank command and routes score with. */
export const tinyReranker = join(testdata, 'tiny-reranker.gguf');

/** The user's all-minilm when it is there (never written to), else tiny-bert. */
export function defaultModelFile() {
  const base = process.env.MULLAMA_HOME ? join(process.env.MULLAMA_HOME, 'models') : join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mullama', 'models');
  const p = join(base, 'all-minilm.gguf');
  return existsSync(p) ? p : tinyBert;
}

/** A temp MULLAMA_HOME whose store links the given names to files. */
export function makeHome(links) {
  const home = mkdtempSync(join(tmpdir(), 'mullama-cli-'));
  mkdirSync(join(home, 'models'));
  for (const [name, file] of Object.entries(links)) symlinkSync(file, join(home, 'models', name));
  return { home, env: { MULLAMA_HOME: home }, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/** Runs `node dist/cli.mjs ...args`; resolves with { code, stdout, stderr }. */
export function run(args, { env = {}, input, timeout = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, MULLAMA_NO_PROGRESS: '1', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

/** Starts `mullama serve --port 0 ...`; resolves with { url, child, stop() } once it listens. */
export function startServer(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'serve', '--port', '0', ...args], {
      env: { ...process.env, MULLAMA_NO_PROGRESS: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal, stderr })));
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (m) {
        const stop = async (signal = 'SIGTERM') => {
          child.kill(signal);
          return exited;
        };
        resolve({ url: m[1], child, stop, exited, stderr: () => stderr });
      }
    });
    exited.then(({ code }) => reject(new Error(`server exited early (${code}): ${stderr}`)));
  });
}

export async function post(url, body, raw = false) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw ? body : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}
