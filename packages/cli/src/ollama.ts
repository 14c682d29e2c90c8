/**
 * Ollama's API, as its clients (the `ollama` Python and JavaScript libraries, the `ollama` CLI)
 * use it: `/api/embed`, `/api/embeddings`, `/api/tags`, `/api/show`, `/api/ps`, `/api/version`
 * and `/api/pull` (the store's pull, with Ollama's progress lines). Errors on these routes are
 * `{"error": "text"}` (serve.ts picks the shape by path).
 */
import { createHash } from 'node:crypto';
import { createReadStream, realpathSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { ServerResponse } from 'node:http';
import { type GgufHeader, type GgufValue, humanParameters, quantizationLevel, readGgufHeader } from './gguf.js';
import { describeError, HttpError, positiveIntOf, type Route, textsOf } from './http.js';
import { type EmbedFn, type Loaded, modelOf, type Models } from './models.js';
import { vectorJson } from './output.js';
import { type PullEvent, pullModel } from './pull.js';
import { VERSION } from './version.js';

export interface OllamaDeps {
  models: Models;
  maxInputs: number;
  /** `--n-ctx`, for `/api/ps`'s context_length. */
  nCtx?: number;
  embed: EmbedFn;
}

/** Ollama names models `name:tag`; a store name without a tag is `:latest`. */
const tagged = (name: string) => (name.includes(':') ? name : `${name}:latest`);

/** Loaded models never expire here (there is no keep_alive unloading); Ollama's clients parse this as a date. */
const NEVER = '9999-12-31T23:59:59Z';

export function ollamaRoutes({ models, maxInputs, nCtx, embed }: OllamaDeps): Record<string, Route> {
  const pulls = new Pulls();
  return {
    '/api/embed': {
      method: 'POST',
      embeds: true,
      run: async (body) => {
        const t0 = process.hrtime.bigint();
        const name = modelOf(body, models);
        ignoredFields(body);
        if (body.truncate !== undefined && body.truncate !== null && typeof body.truncate !== 'boolean') throw new HttpError('INVALID_ARGUMENT', "'truncate' must be true or false");
        const dimensions = positiveIntOf(body, 'dimensions');
        const loadDuration = await timed(() => models.get(name));
        const input = body.input;
        // As Ollama: no input (or an empty one) loads the model and embeds nothing.
        const none = input === undefined || input === null || input === '' || (Array.isArray(input) && input.length === 0);
        const texts = none ? [] : textsOf(input, 'input', maxInputs);
        const { embs, tokens } = none ? { embs: [], tokens: 0 } : await embed(name, texts, { overflow: body.truncate === false ? 'error' : 'truncate_end', normalize: true, dimensions });
        const total = process.hrtime.bigint() - t0;
        const space = embs.length ? `,"space":${JSON.stringify(embs[0].space)}` : '';
        return `{"model":${JSON.stringify(name)},"embeddings":[${embs.map((e) => vectorJson(e.data)).join(',')}]${space},"total_duration":${total},"load_duration":${loadDuration},"prompt_eval_count":${tokens}}`;
      },
    },
    // The legacy endpoint: one prompt, the model's own (unnormalised) vector.
    '/api/embeddings': {
      method: 'POST',
      embeds: true,
      run: async (body) => {
        const name = modelOf(body, models);
        ignoredFields(body);
        const prompt = body.prompt;
        if (prompt !== undefined && prompt !== null && typeof prompt !== 'string') throw new HttpError('INVALID_ARGUMENT', "'prompt' must be a string");
        await models.get(name);
        if (!prompt) return '{"embedding":[]}';
        const { embs } = await embed(name, [prompt], { overflow: 'truncate_end', normalize: false });
        return `{"embedding":${vectorJson(embs[0].data)}}`;
      },
    },
    '/api/tags': {
      method: 'GET',
      run: async () => {
        const list = await Promise.all(models.entries().map(async ({ name, path }) => {
          const f = await describe(path);
          return { name: tagged(name), model: tagged(name), modified_at: f.modified, size: f.size, digest: await f.digest(), details: f.details };
        }));
        return JSON.stringify({ models: list });
      },
    },
    '/api/show': {
      method: 'POST',
      run: async (body) => {
        const name = requiredName(body);
        const f = await describe(models.resolve(name));
        return JSON.stringify({
          license: typeof f.header?.metadata.get('general.license') === 'string' ? f.header.metadata.get('general.license') : '',
          modelfile: '',
          parameters: '',
          template: '',
          details: f.details,
          model_info: f.header ? modelInfo(f.header) : {},
          // A reranker (rank pooling) embeds nothing, and Ollama has no word for ranking.
          capabilities: isReranker(f.header) ? [] : ['embedding'],
          modified_at: f.modified,
        });
      },
    },
    '/api/ps': {
      method: 'GET',
      run: async () => JSON.stringify({ models: await Promise.all(models.loadedModels().map((l) => running(l, nCtx))) }),
    },
    '/api/version': { method: 'GET', run: async () => JSON.stringify({ version: VERSION }) },
    '/api/pull': {
      method: 'POST',
      run: async (body, _req, res) => {
        const spec = requiredName(body);
        if (models.isFixed) throw new HttpError('INVALID_ARGUMENT', 'this server serves only its --model models; start it without --model to pull into the store');
        if (body.stream === false) {
          await pulls.run(spec, () => {});
          return '{"status":"success"}';
        }
        streamPull(res, (report) => pulls.run(spec, report));
        return undefined;
      },
    },
  };
}

/** `keep_alive` and `options` are accepted and have no effect: loaded models stay loaded, and
 * the server's `--threads` and `--n-ctx` hold for every request. Their types are still checked. */
function ignoredFields(body: Record<string, unknown>): void {
  const k = body.keep_alive;
  if (k !== undefined && k !== null && typeof k !== 'string' && typeof k !== 'number') throw new HttpError('INVALID_ARGUMENT', "'keep_alive' must be a duration ('5m') or a number of seconds");
  const o = body.options;
  if (o !== undefined && o !== null && (typeof o !== 'object' || Array.isArray(o))) throw new HttpError('INVALID_ARGUMENT', "'options' must be an object");
}

/** `model` (older clients: `name`), which these routes need. */
function requiredName(body: Record<string, unknown>): string {
  const m = body.model ?? body.name;
  if (typeof m !== 'string' || !m) throw new HttpError('INVALID_ARGUMENT', "'model' is required (a model name)");
  return m;
}

/** Nanoseconds `f` took. */
async function timed(f: () => Promise<unknown>): Promise<bigint> {
  const t = process.hrtime.bigint();
  await f();
  return process.hrtime.bigint() - t;
}

async function running(l: Loaded, nCtx: number | undefined) {
  const f = await describe(l.path);
  const info = l.model.info;
  return {
    name: tagged(l.name),
    model: tagged(l.name),
    size: f.size,
    digest: await f.digest(),
    details: f.details,
    expires_at: NEVER,
    size_vram: 0,
    context_length: nCtx || info.defaultLength,
  };
}

// --- what a model file is: header facts and digest, cached while the file is unchanged -------

interface Description {
  size: number;
  modified: string;
  header?: GgufHeader;
  details: Record<string, unknown>;
  /** The file's sha256 (`sha256:...`), hashed on first use. */
  digest: () => Promise<string>;
}

const described = new Map<string, { stamp: string; d: Description }>();

async function describe(path: string): Promise<Description> {
  const st = statSync(path);
  const stamp = `${st.size}:${st.mtimeMs}`;
  const hit = described.get(path);
  if (hit?.stamp === stamp) return hit.d;
  let header: GgufHeader | undefined;
  try {
    header = readGgufHeader(path);
  } catch {
    // listed all the same; loading it will report what is wrong
  }
  let digest: Promise<string> | undefined;
  const d: Description = {
    size: st.size,
    modified: st.mtime.toISOString(),
    header,
    details: details(header),
    digest: () => (digest ??= fileDigest(path)),
  };
  described.set(path, { stamp, d });
  return d;
}

function details(h: GgufHeader | undefined) {
  const arch = h?.metadata.get('general.architecture');
  const family = typeof arch === 'string' ? arch : '';
  return {
    parent_model: '',
    format: 'gguf',
    family,
    families: family ? [family] : null,
    parameter_size: h ? humanParameters(h.parameters) : '',
    quantization_level: h ? quantizationLevel(h) : '',
  };
}

/** The metadata as Ollama's `model_info`: scalars as they are, long arrays (the vocabulary) null. */
/** Whether a GGUF declares rank pooling (LLAMA_POOLING_TYPE_RANK, 4): a cross-encoder. */
function isReranker(h: GgufHeader | undefined): boolean {
  const arch = h?.metadata.get('general.architecture');
  return typeof arch === 'string' && Number(h?.metadata.get(`${arch}.pooling_type`)) === 4;
}

function modelInfo(h: GgufHeader): Record<string, unknown> {
  const json = (v: GgufValue): unknown => (typeof v === 'bigint' ? Number(v) : Array.isArray(v) ? v.map(json) : typeof v === 'object' ? null : v);
  const info: Record<string, unknown> = { 'general.parameter_count': h.parameters };
  for (const [k, v] of h.metadata) info[k] = json(v);
  return Object.fromEntries(Object.entries(info).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** A blob of an Ollama store (imported) is named by its digest; any other file is hashed. */
async function fileDigest(path: string): Promise<string> {
  const blob = /^sha256[-:]([0-9a-f]{64})$/.exec(basename(realpathSync(path)));
  if (blob) return `sha256:${blob[1]}`;
  const h = createHash('sha256');
  await new Promise<void>((res, rej) => createReadStream(path).on('data', (c) => h.update(c)).on('error', rej).on('end', () => res()));
  return `sha256:${h.digest('hex')}`;
}

// --- /api/pull ---------------------------------------------------------------------------------

/** Pulls in progress, by model: a second request for the same model follows the first one's
 * progress rather than write the same file at the same time. */
class Pulls {
  private readonly running = new Map<string, { done: Promise<unknown>; listeners: Set<(e: PullEvent) => void> }>();

  run(spec: string, report: (e: PullEvent) => void): Promise<unknown> {
    const key = spec.replace(/:latest$/, '');
    const p = this.running.get(key);
    if (p) {
      report({ status: 'pulling manifest' });
      p.listeners.add(report);
      return p.done;
    }
    const listeners = new Set([report]);
    const done = pullModel(spec, undefined, (e) => listeners.forEach((l) => l(e))).finally(() => this.running.delete(key));
    this.running.set(key, { done, listeners });
    return done;
  }
}

/** Ollama's progress stream: one JSON object a line, `{"status":"success"}` last, or an
 * `{"error": "text"}` line when the pull fails after the answer has begun. */
function streamPull(res: ServerResponse, pull: (report: (e: PullEvent) => void) => Promise<unknown>): void {
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const line = (o: unknown) => res.writableEnded || res.destroyed || res.write(`${JSON.stringify(o)}\n`);
  let last = 0;
  const report = (e: PullEvent) => {
    // Download progress at most 10 times a second, and its last line.
    if (e.status === 'downloading' && e.completed !== e.total && Date.now() - last < 100) return;
    last = Date.now();
    line(e);
  };
  pull(report).then(
    () => {
      line({ status: 'success' });
      res.end();
    },
    (e: unknown) => {
      line({ error: describeError(e).message });
      res.end();
    },
  );
}
