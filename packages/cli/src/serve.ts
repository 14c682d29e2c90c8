/** `mullama serve`: OpenAI- and Ollama-compatible embedding endpoints over node:http. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { Context as ContextT, Embedding, Model as ModelT, OverflowPolicy } from 'mullama';
import { CliError, errorCode, usage } from './errors.js';
import { HTTP_STATUS } from './generated/idl.js';
import { loadMullama } from './lib.js';
import { vectorJson } from './output.js';
import { DEFAULT_MODEL, isValidName, listStore, looksLikePath, requireModel, storePath } from './store.js';
import { existsSync } from 'node:fs';
import { intOption } from './embed.js';

export const SERVE_HELP = `Usage: mullama serve [options]

Serves embeddings over HTTP:
  POST /v1/embeddings   OpenAI   {model, input, encoding_format?, dimensions?}
  POST /api/embed       Ollama   {model, input, truncate?}
  POST /api/embeddings  Ollama   {model, prompt}
  GET  /v1/models, GET /api/tags, GET /health

Options:
  --host HOST           address to listen on (default 127.0.0.1)
  --port PORT           port (default 8080; 0 picks a free one)
  --model NAME          serve only these models (repeatable; a store name or a .gguf path);
                        default: any model in the store, loaded on first use
  --threads N           CPU threads per model (default: all cores)
  --n-ctx N             most tokens per input (default: the model's length, at most its context)
  --max-body BYTES      largest request body (default 16777216)
  --max-inputs N        most inputs per request (default 2048)
  --max-tokens N        most tokens per request (default 1048576)
  --drain-timeout S     on SIGTERM/SIGINT, seconds to finish requests in flight (default 30)
`;

class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly type = 'invalid_request_error') {
    super(message);
  }
}

/** A model and its one context: every route and request shares its workers and batches. */
interface Loaded {
  model: ModelT;
  ctx: ContextT;
}

interface Options {
  nThreads?: number;
  nCtx?: number;
  maxBody: number;
  maxInputs: number;
  maxTokens: number;
}

class Models {
  private readonly loaded = new Map<string, Promise<Loaded>>();
  /** name -> path, when the server was started with --model. */
  private readonly fixed?: Map<string, string>;

  constructor(list: string[], private readonly opts: Options) {
    if (list.length) {
      this.fixed = new Map();
      for (const m of list.flatMap((x) => x.split(',')).filter(Boolean)) {
        const path = requireModel(m);
        const name = looksLikePath(m) && !isValidName(m) ? basename(m).replace(/\.gguf$/, '') : m;
        this.fixed.set(name, path);
      }
    }
  }

  defaultName(): string {
    return this.fixed ? [...this.fixed.keys()][0] : DEFAULT_MODEL;
  }

  available(): string[] {
    if (this.fixed) return [...this.fixed.keys()];
    return listStore().map((e) => e.name);
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

  async get(name: string): Promise<Loaded> {
    const path = this.pathOf(name);
    if (!path) {
      const avail = this.available();
      throw new HttpError(404, 'MODEL_NOT_FOUND', `model '${name}' not found; available models: ${avail.length ? avail.join(', ') : '(none)'}`);
    }
    let p = this.loaded.get(path);
    if (!p) {
      p = loadMullama().then(async ({ Model, Context }) => {
        const model = await Model.load(path);
        return { model, ctx: new Context(model, { embeddings: true, nThreads: this.opts.nThreads, nCtx: this.opts.nCtx }) };
      });
      this.loaded.set(path, p);
      p.catch(() => this.loaded.delete(path));
    }
    return p;
  }

  async closeAll(): Promise<void> {
    for (const p of this.loaded.values()) {
      try {
        (await p).ctx.close();
      } catch {
        // failed loads have nothing to close
      }
    }
  }
}

function send(res: ServerResponse, status: number, body: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Error text for a network client: model files by name, not by where they live on the server. */
export function withoutPaths(message: string): string {
  return message.replace(/(?:\/[^\s'"():,]+)+/g, (p) => (p.endsWith('.gguf') ? `'${basename(p, '.gguf')}'` : '<path>'));
}

function sendError(res: ServerResponse, e: unknown): void {
  let status = 500;
  let code = errorCode(e) ?? 'INTERNAL';
  let type = 'server_error';
  let message = e instanceof Error ? e.message : String(e);
  if (e instanceof HttpError) {
    [status, code, type] = [e.status, e.code, e.type];
  } else if (e instanceof CliError && e.code === 'MODEL_NOT_FOUND') {
    status = 404;
    type = 'invalid_request_error';
  } else if (code in HTTP_STATUS) {
    // The core's error codes, answered with the IDL's @http status.
    status = HTTP_STATUS[code];
    type = status < 500 ? 'invalid_request_error' : 'server_error';
  }
  // The core names files in its messages; HttpErrors are ours and may quote URL paths.
  if (!(e instanceof HttpError)) message = withoutPaths(message);
  send(res, status, JSON.stringify({ error: { message: message.split('\n')[0], type, code } }));
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((res, rej) => {
    const declared = Number(req.headers['content-length']);
    if (declared > max) {
      rej(new HttpError(413, 'BODY_TOO_LARGE', `request body of ${declared} bytes exceeds the limit of ${max} bytes`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let n = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      n += c.length;
      if (n > max) {
        failed = true;
        chunks.length = 0;
        rej(new HttpError(413, 'BODY_TOO_LARGE', `request body exceeds the limit of ${max} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => failed || res(Buffer.concat(chunks)));
    req.on('error', (e) => {
      failed = true;
      rej(e);
    });
  });
}

async function readJson(req: IncomingMessage, max: number): Promise<Record<string, unknown>> {
  const body = await readBody(req, max);
  let text: string;
  try {
    // Not Buffer.toString, which would swap bad bytes for U+FFFD and embed that silently.
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new HttpError(400, 'INVALID_UTF8', 'request body is not valid UTF-8');
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, 'INVALID_JSON', `request body is not valid JSON: ${(e as Error).message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new HttpError(400, 'INVALID_JSON', 'request body must be a JSON object');
  return v as Record<string, unknown>;
}

/** `input` as texts: a string or an array of strings; token-id arrays are refused. */
function textsOf(input: unknown, field: string, maxInputs: number): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input)) {
    if (!input.length) throw new HttpError(400, 'EMPTY_INPUT', `'${field}' is an empty array`);
    if (input.length > maxInputs) throw new HttpError(400, 'TOO_MANY_INPUTS', `'${field}' has ${input.length} items; at most ${maxInputs} per request`);
    if (input.every((x) => typeof x === 'string')) return input as string[];
    if (input.every((x) => typeof x === 'number' || (Array.isArray(x) && x.every((y) => typeof y === 'number'))))
      throw new HttpError(400, 'UNSUPPORTED_INPUT', `token-id input is not supported by this server; send '${field}' as a string or an array of strings`);
    throw new HttpError(400, 'INVALID_ARGUMENT', `'${field}' must be a string or an array of strings`);
  }
  if (input === undefined) throw new HttpError(400, 'INVALID_ARGUMENT', `missing '${field}'`);
  throw new HttpError(400, 'INVALID_ARGUMENT', `'${field}' must be a string or an array of strings`);
}

function modelOf(body: Record<string, unknown>, models: Models): string {
  const m = body.model;
  if (m === undefined || m === null || m === '') return models.defaultName();
  if (typeof m !== 'string') throw new HttpError(400, 'INVALID_ARGUMENT', "'model' must be a string");
  return m;
}

function base64(v: Float32Array): string {
  const b = Buffer.alloc(v.length * 4);
  for (let i = 0; i < v.length; i++) b.writeFloatLE(v[i], i * 4);
  return b.toString('base64');
}

export async function serveCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string', short: 'p' },
      model: { type: 'string', short: 'm', multiple: true },
      threads: { type: 'string' },
      'n-ctx': { type: 'string' },
      'max-body': { type: 'string' },
      'max-inputs': { type: 'string' },
      'max-tokens': { type: 'string' },
      'drain-timeout': { type: 'string' },
    },
  });
  // Bare names after the flags (`--model a b`) count as more models.
  const modelList = [...(values.model ?? []), ...positionals];
  if (positionals.length && !values.model) throw usage(`serve takes no positional arguments (did you mean --model ${positionals[0]}?)`);
  const host = values.host ?? '127.0.0.1';
  const port = intOption('port', values.port) ?? 8080;
  if (port > 65535) throw usage('--port must be at most 65535');
  const opts: Options = {
    nThreads: intOption('threads', values.threads),
    nCtx: intOption('n-ctx', values['n-ctx']),
    maxBody: intOption('max-body', values['max-body'], 1) ?? 16 * 1024 * 1024,
    maxInputs: intOption('max-inputs', values['max-inputs'], 1) ?? 2048,
    maxTokens: intOption('max-tokens', values['max-tokens'], 1) ?? 1 << 20,
  };
  const drainSeconds = intOption('drain-timeout', values['drain-timeout']) ?? 30;
  const models = new Models(modelList, opts);
  // Load the named models now so that a bad file fails at startup, not on the first request.
  if (modelList.length) for (const n of models.available()) await models.get(n);

  // HTTP in, one core call out: empty texts, token budgets, overflow, dimensions and
  // normalisation are the core's rules (EmbedOptions), applied before any text is run.
  const embed = async (name: string, texts: string[], options: { overflow: string; normalize: boolean; dimensions?: number }) => {
    const { ctx } = await models.get(name);
    const embs: Embedding[] = await ctx.getEmbeddingBatch(texts, {
      overflow: options.overflow as OverflowPolicy,
      normalize: options.normalize,
      dimensions: options.dimensions,
      maxTokens: opts.maxTokens,
    });
    return { embs, tokens: embs.reduce((a, e) => a + e.tokens, 0) };
  };

  const routes: Record<string, (body: Record<string, unknown>) => Promise<string>> = {
    '/v1/embeddings': async (body) => {
      const name = modelOf(body, models);
      const texts = textsOf(body.input, 'input', opts.maxInputs);
      const fmt = body.encoding_format ?? 'float';
      if (fmt !== 'float' && fmt !== 'base64') throw new HttpError(400, 'INVALID_ARGUMENT', "'encoding_format' must be 'float' or 'base64'");
      const dims = body.dimensions;
      if (dims !== undefined && dims !== null && !(Number.isInteger(dims) && (dims as number) >= 1))
        throw new HttpError(400, 'INVALID_ARGUMENT', "'dimensions' must be a positive integer");
      const dimensions = typeof dims === 'number' ? dims : undefined;
      const { embs, tokens } = await embed(name, texts, { overflow: 'error', normalize: true, dimensions });
      const data = embs.map((e, index) => {
        const emb = fmt === 'base64' ? JSON.stringify(base64(e.data)) : vectorJson(e.data);
        return `{"object":"embedding","index":${index},"embedding":${emb}}`;
      });
      return `{"object":"list","data":[${data.join(',')}],"model":${JSON.stringify(name)},"usage":{"prompt_tokens":${tokens},"total_tokens":${tokens}}}`;
    },
    '/api/embed': async (body) => {
      const name = modelOf(body, models);
      const texts = textsOf(body.input, 'input', opts.maxInputs);
      const overflow = body.truncate === false ? 'error' : 'truncate_end';
      const { embs, tokens } = await embed(name, texts, { overflow, normalize: true });
      return `{"model":${JSON.stringify(name)},"embeddings":[${embs.map((e) => vectorJson(e.data)).join(',')}],"prompt_eval_count":${tokens}}`;
    },
    '/api/embeddings': async (body) => {
      const name = modelOf(body, models);
      if (typeof body.prompt !== 'string') throw new HttpError(400, 'INVALID_ARGUMENT', "'prompt' must be a string");
      const { embs } = await embed(name, [body.prompt], { overflow: 'truncate_end', normalize: false });
      return `{"embedding":${vectorJson(embs[0].data)}}`;
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/health') return send(res, 200, '{"status":"ok"}');
    if (req.method === 'GET' && path === '/v1/models') {
      const data = models.available().map((id) => ({ id, object: 'model', created: 0, owned_by: 'mullama' }));
      return send(res, 200, JSON.stringify({ object: 'list', data }));
    }
    if (req.method === 'GET' && path === '/api/tags') {
      return send(res, 200, JSON.stringify({ models: models.available().map((name) => ({ name, model: name })) }));
    }
    const route = routes[path];
    if (!route) {
      req.resume();
      if (path === '/health' || path === '/v1/models' || path === '/api/tags') throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}`);
      throw new HttpError(404, 'NOT_FOUND', `no route ${req.method} ${path}`);
    }
    if (req.method !== 'POST') {
      req.resume();
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${path} takes POST`);
    }
    const body = await readJson(req, opts.maxBody);
    send(res, 200, await route(body));
  };

  // Requests in flight, so that a shutdown can wait for them (see stop below).
  let inFlight = 0;
  let stopping = false;
  let drained: (() => void) | undefined;
  const server = createServer((req, res) => {
    inFlight++;
    res.on('close', () => {
      inFlight--;
      if (inFlight === 0) drained?.();
    });
    // While draining, answer and let the client go rather than keep the connection alive.
    if (stopping) res.setHeader('connection', 'close');
    handle(req, res).catch((e) => {
      try {
        sendError(res, e);
      } catch {
        res.destroy();
      }
    });
  });
  server.keepAliveTimeout = 5000;
  server.on('clientError', (_e, socket) => {
    const reply = () => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      else socket.destroy();
    };
    // Garbage after a valid request on a keep-alive connection: answer that request first (its
    // response is still being computed), then the 400, then close. Node keeps the response in
    // flight on the socket as `_httpMessage`.
    const pending = (socket as unknown as { _httpMessage?: ServerResponse })._httpMessage;
    if (pending && !pending.writableFinished) {
      pending.once('finish', reply);
      pending.once('close', reply);
    } else reply();
  });

  await new Promise<void>((res, rej) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      rej(new CliError('IO', e.code === 'EADDRINUSE' ? `${host}:${port} is already in use` : `cannot listen on ${host}:${port}: ${e.message}`)),
    );
    server.listen(port, host, () => res());
  });
  const addr = server.address();
  const actualPort = typeof addr === 'object' && addr ? addr.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  process.stdout.write(`mullama: listening on http://${shownHost}:${actualPort}\n`);

  await new Promise<void>((resolveStop) => {
    // Stop accepting, finish every request in flight (up to --drain-timeout), then exit.
    const stop = (sig: string) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`mullama: ${sig}, finishing ${inFlight} request(s) in flight, then shutting down\n`);
      server.close(() => resolveStop());
      server.closeIdleConnections();
      const finish = () => {
        server.closeAllConnections();
        resolveStop();
      };
      drained = () => setImmediate(finish);
      if (inFlight === 0) drained();
      setTimeout(() => {
        process.stderr.write(`mullama: drain timeout (${drainSeconds} s): closing ${inFlight} request(s)\n`);
        finish();
      }, drainSeconds * 1000).unref();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await models.closeAll();
}
