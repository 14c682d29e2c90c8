/** `mullama pull` (Hugging Face and Ollama registries, resumable, sha256-checked) and `mullama import`. */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, linkSync, copyFileSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync, closeSync, fsyncSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CliError, usage } from './errors.js';
import { out } from './output.js';
import { Progress } from './progress.js';
import { modelsDir, storePath } from './store.js';

export const PULL_HELP = `Usage: mullama pull NAME [--name STORE_NAME]

NAME is one of the built-in names (nomic-embed-text, mxbai-embed-large, all-minilm,
snowflake-arctic-embed, llama3.2:1b: GGUF files on Hugging Face), hf:owner/repo[:file.gguf],
or ollama:NAME[:TAG] / any other NAME[:TAG] (the Ollama registry).
Registries: MULLAMA_HF_ENDPOINT (default https://huggingface.co),
MULLAMA_OLLAMA_REGISTRY (default https://registry.ollama.ai).
`;

/** Built-in names -> Hugging Face GGUF repository and file. */
export const KNOWN: Record<string, { repo: string; file: string }> = {
  'nomic-embed-text': { repo: 'nomic-ai/nomic-embed-text-v1.5-GGUF', file: 'nomic-embed-text-v1.5.f16.gguf' },
  'mxbai-embed-large': { repo: 'mixedbread-ai/mxbai-embed-large-v1', file: 'gguf/mxbai-embed-large-v1-f16.gguf' },
  'all-minilm': { repo: 'second-state/All-MiniLM-L6-v2-Embedding-GGUF', file: 'all-MiniLM-L6-v2-Q8_0.gguf' },
  'snowflake-arctic-embed': { repo: 'ChristianAzinn/snowflake-arctic-embed-m-gguf', file: 'snowflake-arctic-embed-m--Q8_0.GGUF' },
  'llama3.2:1b': { repo: 'bartowski/Llama-3.2-1B-Instruct-GGUF', file: 'Llama-3.2-1B-Instruct-Q8_0.gguf' },
};

const hfBase = () => (process.env.MULLAMA_HF_ENDPOINT || 'https://huggingface.co').replace(/\/+$/, '');
const ollamaBase = () => (process.env.MULLAMA_OLLAMA_REGISTRY || 'https://registry.ollama.ai').replace(/\/+$/, '');

/** Seconds a registry may stay silent (no answer, or no bytes of the body) before pull gives up. */
const silenceSeconds = () => Number(process.env.MULLAMA_PULL_TIMEOUT_S) || 30;

/** An abort signal that fires after `silenceSeconds()` without a `touch()`: connect, headers and
 * every chunk of a body each get that long, so a server that accepts and never answers (or stalls
 * mid-download) ends the pull with an error instead of hanging it. */
class Deadline {
  private readonly ctl = new AbortController();
  private timer?: NodeJS.Timeout;
  readonly signal = this.ctl.signal;
  constructor(private readonly what: string) {
    this.touch();
  }
  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.ctl.abort(new CliError('TIMEOUT', `${this.what}: no data for ${silenceSeconds()} s (MULLAMA_PULL_TIMEOUT_S)`)), silenceSeconds() * 1000);
    this.timer.unref();
  }
  clear(): void {
    clearTimeout(this.timer);
  }
}

async function fetchOk(url: string, init: RequestInit & { keepDeadline?: boolean } = {}, deadline = new Deadline(url)): Promise<Response> {
  const { keepDeadline, ...request } = init;
  let res: Response;
  try {
    res = await fetch(url, { ...request, signal: deadline.signal });
  } catch (e) {
    if (deadline.signal.aborted) throw deadline.signal.reason;
    throw new CliError('IO', `cannot reach ${url}: ${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}`);
  } finally {
    if (!keepDeadline) deadline.clear();
  }
  if (res.status === 404) throw new CliError('MODEL_NOT_FOUND', `${url}: not found (HTTP 404)`);
  if (!res.ok && res.status !== 206) throw new CliError('IO', `${url}: HTTP ${res.status}`);
  return res;
}

function hashFile(path: string, h: ReturnType<typeof createHash>): Promise<void> {
  return new Promise((res, rej) => createReadStream(path).on('data', (c) => h.update(c)).on('error', rej).on('end', () => res()));
}

/** What a pull is doing, for a display (the CLI's progress bar) or a client (`serve`'s `/api/pull`). */
export type PullEvent =
  | { status: 'pulling manifest' }
  | { status: 'downloading'; digest?: string; total?: number; completed: number }
  | { status: 'verifying sha256 digest' };

/** Downloads `url` into `dest` via `dest.partial`, resuming with Range; checks sha256 when known. */
async function download(url: string, dest: string, expectSha: string | undefined, headers: Record<string, string>, report: (e: PullEvent) => void): Promise<string> {
  mkdirSync(modelsDir(), { recursive: true });
  const partial = `${dest}.partial`;
  const h = createHash('sha256');
  let have = existsSync(partial) ? statSync(partial).size : 0;
  const deadline = new Deadline(url);
  const res = await fetchOk(url, { headers: { ...headers, ...(have ? { range: `bytes=${have}-` } : {}) }, keepDeadline: true }, deadline);
  if (have && res.status === 206) await hashFile(partial, h);
  else have = 0; // the server ignored the range: start over
  const sha = expectSha ?? (/^"?([0-9a-f]{64})"?$/.exec(res.headers.get('x-linked-etag') ?? res.headers.get('etag') ?? '')?.[1]);
  const len = Number(res.headers.get('content-length')) || 0;
  const total = len ? have + len : undefined;
  const digest = sha ? `sha256:${sha}` : undefined;
  const fd = openSync(partial, have ? 'a' : 'w');
  let done = have;
  try {
    if (!res.body) throw new CliError('IO', `${url}: empty response`);
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      deadline.touch();
      writeSync(fd, chunk);
      h.update(chunk);
      done += chunk.length;
      report({ status: 'downloading', digest, total, completed: done });
    }
    fsyncSync(fd);
  } catch (e) {
    if (e instanceof CliError) throw e;
    if (deadline.signal.aborted) throw new CliError('TIMEOUT', `download of ${url} stalled after ${done} bytes (run pull again to resume): ${(deadline.signal.reason as Error).message}`);
    throw new CliError('IO', `download of ${url} interrupted after ${done} bytes (run pull again to resume): ${(e as Error).message}`);
  } finally {
    deadline.clear();
    closeSync(fd);
  }
  report({ status: 'verifying sha256 digest' });
  const got = h.digest('hex');
  if (sha && got !== sha) {
    rmSync(partial, { force: true });
    throw new CliError('CHECKSUM_MISMATCH', `sha256 of ${url} is ${got}, expected ${sha}; the partial file was removed`);
  }
  // Only a GGUF becomes a model: a registry that answers 200 with an HTML page (a login wall, a
  // proxy's error) must not leave that page in the store for `list` to show.
  const head = Buffer.alloc(8);
  const hfd = openSync(partial, 'r');
  const n = readSync(hfd, head, 0, 8, 0);
  closeSync(hfd);
  const version = head.readUInt32LE(4);
  if (n < 8 || head.subarray(0, 4).toString('latin1') !== 'GGUF' || version < 2 || version > 3) {
    rmSync(partial, { force: true });
    const type = res.headers.get('content-type');
    throw new CliError('MODEL_INVALID', `${url} did not send a GGUF file${type ? ` (content-type ${type})` : ''}; nothing was stored`);
  }
  renameSync(partial, dest);
  return got;
}

export async function pullCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { name: { type: 'string' } } });
  if (positionals.length !== 1) throw usage('pull needs one model NAME');
  let progress: Progress | undefined;
  let last = 0;
  const { name, dest, sha256 } = await pullModel(positionals[0], values.name, (e) => {
    if (e.status !== 'downloading') return;
    progress ??= new Progress('pulling', e.total, 'bytes');
    progress.update((last = e.completed));
  });
  progress?.done(last);
  await out(`pulled '${name}' -> ${dest} (sha256 ${sha256})\n`);
}

/** Pulls `spec` (see PULL_HELP) into the store as `storeName` (default: from the spec). */
export async function pullModel(spec: string, storeName: string | undefined, report: (e: PullEvent) => void = () => {}): Promise<{ name: string; dest: string; sha256: string }> {
  report({ status: 'pulling manifest' });
  const values = { name: storeName };
  let url: string;
  let sha: string | undefined;
  let name: string;
  let headers: Record<string, string> = {};
  const hf = spec.startsWith('hf:') ? spec.slice(3) : undefined;
  if (hf !== undefined || KNOWN[spec]) {
    let repo: string;
    let file: string | undefined;
    if (hf !== undefined) {
      [repo, file] = hf.split(':') as [string, string | undefined];
      if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) throw usage(`hf: takes owner/repo[:file.gguf], got '${hf}'`);
      if (!file) {
        const files = await (await fetchOk(`${hfBase()}/api/models/${repo}`)).json() as { siblings?: { rfilename: string }[] };
        const ggufs = (files.siblings ?? []).map((s) => s.rfilename).filter((f) => f.toLowerCase().endsWith('.gguf'));
        file = ggufs.find((f) => /q8_0/i.test(f)) ?? ggufs.find((f) => /f16/i.test(f)) ?? ggufs[0];
        if (!file) throw new CliError('MODEL_NOT_FOUND', `no .gguf file in ${repo}`);
      }
      name = values.name ?? file.split('/').pop()!.replace(/\.gguf$/i, '').toLowerCase();
    } else {
      ({ repo, file } = KNOWN[spec]);
      name = values.name ?? spec;
    }
    url = `${hfBase()}/${repo}/resolve/main/${file}`;
  } else {
    const o = spec.startsWith('ollama:') ? spec.slice(7) : spec;
    const [base, tag = 'latest'] = o.split(':');
    const lib = base.includes('/') ? base : `library/${base}`;
    if (!/^[\w.-]+\/[\w.-]+$/.test(lib) || !/^[\w.-]+$/.test(tag)) throw usage(`not a model name: '${spec}'`);
    const manifest = (await (await fetchOk(`${ollamaBase()}/v2/${lib}/manifests/${tag}`, { headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } })).json()) as {
      layers?: { mediaType: string; digest: string; size?: number }[];
    };
    const layer = manifest.layers?.find((l) => l.mediaType === 'application/vnd.ollama.image.model');
    if (!layer || !/^sha256:[0-9a-f]{64}$/.test(layer.digest)) throw new CliError('MODEL_INVALID', `the manifest of ${spec} has no model layer`);
    sha = layer.digest.slice(7);
    url = `${ollamaBase()}/v2/${lib}/blobs/${layer.digest}`;
    name = values.name ?? (tag === 'latest' ? base.split('/').pop()! : `${base.split('/').pop()}:${tag}`);
    headers = {};
  }
  const dest = storePath(name);
  const got = await download(url, dest, sha, headers, report);
  return { name, dest, sha256: got };
}

export const IMPORT_HELP =
  'Usage: mullama import --from-ollama [DIR] [--copy]\n\n' +
  'Makes the models of an Ollama store (default ~/.ollama/models) usable by name: symlinks, or copies with --copy.\n';

export async function importCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { 'from-ollama': { type: 'boolean' }, copy: { type: 'boolean' } } });
  if (!values['from-ollama']) throw usage('import needs --from-ollama [DIR]');
  const dir = positionals[0] ?? process.env.OLLAMA_MODELS ?? join(homedir(), '.ollama', 'models');
  const lib = join(dir, 'manifests', 'registry.ollama.ai', 'library');
  if (!existsSync(lib)) throw new CliError('MODEL_NOT_FOUND', `no Ollama store at ${dir} (${lib} is missing)`);
  const { readdirSync } = await import('node:fs');
  mkdirSync(modelsDir(), { recursive: true });
  let n = 0;
  for (const model of readdirSync(lib)) {
    for (const tag of readdirSync(join(lib, model))) {
      let layer: { digest: string } | undefined;
      try {
        const m = JSON.parse(readFileSync(join(lib, model, tag), 'utf8')) as { layers?: { mediaType: string; digest: string }[] };
        layer = m.layers?.find((l) => l.mediaType === 'application/vnd.ollama.image.model');
      } catch {
        continue;
      }
      if (!layer || !/^sha256:[0-9a-f]{64}$/.test(layer.digest)) continue;
      const blob = join(dir, 'blobs', layer.digest.replace(':', '-'));
      if (!existsSync(blob)) continue;
      const name = tag === 'latest' ? model : `${model}:${tag}`;
      const dest = storePath(name);
      if (existsSync(dest)) {
        await out(`skipped '${name}' (already in the store)\n`);
        continue;
      }
      try {
        if (values.copy) throw new Error('copy');
        linkSync(blob, dest);
      } catch {
        copyFileSync(blob, dest);
      }
      await out(`imported '${name}' -> ${dest}\n`);
      n++;
    }
  }
  if (!n) process.stderr.write(`mullama: nothing new to import from ${dir}\n`);
}
