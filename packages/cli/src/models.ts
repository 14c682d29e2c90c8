/** The models `mullama serve` answers for: the store's (loaded on first use) or only `--model`'s. */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { Context as ContextT, Embedding, Model as ModelT } from 'mullama';
import { HttpError } from './http.js';
import { loadMullama } from './lib.js';
import { DEFAULT_MODEL, isValidName, listStore, looksLikePath, requireModel, storePath } from './store.js';

/** A model and its one context: every route and request shares its workers and batches. */
export interface Loaded {
  /** The name it was first asked for by. */
  name: string;
  path: string;
  model: ModelT;
  ctx: ContextT;
}

export interface ContextOptions {
  nThreads?: number;
  nCtx?: number;
}

export class Models {
  private readonly loading = new Map<string, Promise<Loaded>>();
  private readonly loaded = new Map<string, Loaded>();
  /** name -> path, when the server was started with --model. */
  private readonly fixed?: Map<string, string>;

  constructor(list: string[], private readonly opts: ContextOptions) {
    if (list.length) {
      this.fixed = new Map();
      for (const m of list.flatMap((x) => x.split(',')).filter(Boolean)) {
        const path = requireModel(m);
        const name = looksLikePath(m) && !isValidName(m) ? basename(m).replace(/\.gguf$/, '') : m;
        this.fixed.set(name, path);
      }
    }
  }

  /** True when only --model's models are served (the store is not). */
  get isFixed(): boolean {
    return this.fixed !== undefined;
  }

  defaultName(): string {
    return this.fixed ? [...this.fixed.keys()][0] : DEFAULT_MODEL;
  }

  /** The served models, by name, with their files. */
  entries(): { name: string; path: string }[] {
    if (this.fixed) return [...this.fixed].map(([name, path]) => ({ name, path }));
    return listStore().map((e) => ({ name: e.name, path: e.path }));
  }

  available(): string[] {
    return this.entries().map((e) => e.name);
  }

  /** The models loaded so far (the ones a request has used, or --model's). */
  loadedModels(): Loaded[] {
    return [...this.loaded.values()];
  }

  private pathOf(name: string): string | undefined {
    if (this.fixed) return this.fixed.get(name) ?? this.fixed.get(name.replace(/:latest$/, ''));
    if (!isValidName(name)) return undefined;
    // Only the store: a network client must never make the server open a file it names (the
    // core reads an existing `secret.txt` in the working directory as a path).
    for (const n of [name, name.replace(/:latest$/, '')]) {
      const p = storePath(n);
      if (existsSync(p)) return p;
    }
    return undefined;
  }

  /** Whether `name` is one of the served models. */
  serves(name: string): boolean {
    return this.pathOf(name) !== undefined;
  }

  /** The file of a served model; MODEL_NOT_FOUND (listing the served ones) else. */
  resolve(name: string): string {
    const path = this.pathOf(name);
    if (path) return path;
    const avail = this.available();
    throw new HttpError('MODEL_NOT_FOUND', `model '${name}' not found; available models: ${avail.length ? avail.join(', ') : '(none)'}`);
  }

  async get(name: string): Promise<Loaded> {
    const path = this.resolve(name);
    let p = this.loading.get(path);
    if (!p) {
      p = loadMullama().then(async ({ Model, Context }) => {
        const model = await Model.load(path);
        const loaded = { name, path, model, ctx: new Context(model, { embeddings: true, nThreads: this.opts.nThreads, nCtx: this.opts.nCtx }) };
        this.loaded.set(path, loaded);
        return loaded;
      });
      this.loading.set(path, p);
      p.catch(() => this.loading.delete(path));
    }
    return p;
  }

  async closeAll(): Promise<void> {
    for (const p of this.loading.values()) {
      try {
        (await p).ctx.close();
      } catch {
        // failed loads have nothing to close
      }
    }
  }
}

/** The request's `model`, else the server's default one. */
export function modelOf(body: Record<string, unknown>, models: Models, field = 'model'): string {
  const m = body[field];
  if (m === undefined || m === null || m === '') return models.defaultName();
  if (typeof m !== 'string') throw new HttpError('INVALID_ARGUMENT', `'${field}' must be a string`);
  return m;
}

/** One core call for a request's texts: empty texts, token budgets, overflow, dimensions and
 * normalisation are the core's rules (EmbedOptions), applied before any text is run. */
export type EmbedFn = (
  name: string,
  texts: string[],
  options: { overflow: 'error' | 'truncate_end' | 'truncate_start'; normalize: boolean; dimensions?: number; role?: 'query' | 'document' | 'passage' },
) => Promise<{ embs: Embedding[]; tokens: number }>;
