/** The local model store: `$MULLAMA_HOME/models/NAME.gguf`. Where models live and how a name
 * becomes a path are the core's rules (`modelsDir`, `resolveModelPath`); this file lists, checks
 * and reports. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { Mullama } from './lib.js';

// The store's rules are the core's; the package (and its native addon) is loaded on first use,
// synchronously, so that commands which never touch the store never load it.
let core: Mullama | undefined;
const mullama = (): Mullama => (core ??= createRequire(import.meta.url)('mullama') as Mullama);
const coreModelsDir = () => mullama().modelsDir();
const resolveModelPath = (nameOrPath: string) => mullama().resolveModelPath(nameOrPath);
import { CliError } from './errors.js';

export const DEFAULT_MODEL = 'all-minilm';

/** The folder that holds named models. */
export function modelsDir(): string {
  return coreModelsDir();
}

/** `llama3.2:1b` -> `llama3.2-1b`: the file stem a new store entry is written under (the stem the
 * core's `resolveModelPath` reads it back from; a store test checks they agree). */
export function storeStem(name: string): string {
  return name.replaceAll(':', '-');
}

/** True when the core reads the argument as a path, not a store name. */
export function looksLikePath(nameOrPath: string): boolean {
  return resolveModelPath(nameOrPath) === nameOrPath;
}

/** An absolute path to a GGUF file for a model name or path. */
export function resolveModel(nameOrPath: string): string {
  return resolve(resolveModelPath(nameOrPath));
}

/** A store name safe to turn into a file name (no path parts). */
export function isValidName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(name) && !name.includes('..') && !name.endsWith('.gguf') && name.length <= 200;
}

/** The store path of a name; a usage-style error for names that are paths. */
export function storePath(name: string): string {
  if (!isValidName(name)) throw new CliError('INVALID_ARGUMENT', `not a valid model name: '${name}'`);
  return join(modelsDir(), `${storeStem(name)}.gguf`);
}

/** Resolves for loading: MODEL_NOT_FOUND with a hint when a store name is missing. */
export function requireModel(nameOrPath: string): string {
  const path = resolveModel(nameOrPath);
  if (!existsSync(path)) {
    if (looksLikePath(nameOrPath)) throw new CliError('MODEL_NOT_FOUND', `no such model file: ${path}`);
    throw new CliError('MODEL_NOT_FOUND', `model '${nameOrPath}' is not in the store (${path}); try 'mullama pull ${nameOrPath}' or 'mullama list'`);
  }
  return path;
}

export interface StoreEntry {
  name: string;
  path: string;
  size: number;
  modified: Date;
}

/** Models in the store, by name. */
export function listStore(): StoreEntry[] {
  const dir = modelsDir();
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  const out: StoreEntry[] = [];
  for (const f of files.sort()) {
    if (!f.endsWith('.gguf')) continue;
    const path = join(dir, f);
    try {
      const st = statSync(path);
      if (!st.isFile()) continue;
      out.push({ name: f.slice(0, -'.gguf'.length), path, size: st.size, modified: st.mtime });
    } catch {
      // a dangling symlink: skip
    }
  }
  return out;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}
