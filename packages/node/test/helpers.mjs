// Paths the tests share: the default model, the generated test data, the built package.
import { existsSync, mkdtempSync, mkdirSync, symlinkSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PKG_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = resolve(PKG_DIR, '..', '..');

export function modelsDir() {
  if (process.env.MULLAMA_HOME) return join(process.env.MULLAMA_HOME, 'models');
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mullama', 'models');
}

export const DEFAULT_MODEL = join(modelsDir(), 'all-minilm.gguf');
export const TESTDATA = process.env.MULLAMA_TESTDATA || join(REPO_DIR, 'target', 'testdata');

export function testdata(name) {
  const p = join(TESTDATA, name);
  if (!existsSync(p)) throw new Error(`${p} is missing: run scripts/gen-testdata.sh (and scripts/default-model.sh)`);
  return p;
}

/** A temp dir with `node_modules/mullama` -> this package and the seed's model file names. */
export function exampleDir() {
  const dir = mkdtempSync(join(tmpdir(), 'mullama-node-example-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(PKG_DIR, join(dir, 'node_modules', 'mullama'), 'dir');
  for (const name of ['embedding-model.gguf', 'nomic-embed-text.gguf']) symlinkSync(DEFAULT_MODEL, join(dir, name));
  return dir;
}
