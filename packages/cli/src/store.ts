/** The local model store: `$MULLAMA_HOME/models/NAME.gguf` (same rules as core-native's store.rs). */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { CliError } from './errors.js';

export const DEFAULT_MODEL = 'all-minilm';

/** The folder that holds named models. */
export function modelsDir(): string {
  const home = process.env.MULLAMA_HOME;
  if (home) return join(home, 'models');
  const xdg = process.env.XDG_CACHE_HOME;
  const base = xdg ? xdg : process.env.HOME ? join(process.env.HOME, '.cache') : homedir() ? join(homedir(), '.cache') : '.cache';
  return join(base, 'mullama', 'models');
}

/** `llama3.2:1b` -> `llama3.2-1b` (the file stem a name is stored under). */
export function storeStem(name: string): string {
  return name.replaceAll(':', '-');
}

/** True when the argument is to be read as a path, not a store name (store.rs's rule). */
export function looksLikePath(nameOrPath: string): boolean {
  return existsSync(nameOrPath) || nameOrPath.endsWith('.gguf') || nameOrPath.includes('/');
}

/** A path to a GGUF file: the argument itself when it is (or looks like) a path, else the store's NAME.gguf. */
export function resolveModel(nameOrPath: string): string {
  if (looksLikePath(nameOrPath)) return resolve(nameOrPath);
  return join(modelsDir(), `${storeStem(nameOrPath)}.gguf`);
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
