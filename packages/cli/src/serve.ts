/** `mullama serve`: OpenAI- and Ollama-compatible embedding endpoints over node:http. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { Context as ContextT, Embedding, Model as ModelT, OverflowPolicy } from 'mullama';
import { CliError, usage } from './errors.js';
import { HTTP_STATUS } from './generated/idl.js';
import { base64, HttpError, readJson, send, sendError, textsOf } from './http.js';
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
  --max-queue N         most embedding requests running or waiting at once; more are answered
                        503 OVERLOADED with Retry-After (default 512)
  --request-timeout S   seconds a request may take from arrival to answer, else 504
                        DEADLINE_EXCEEDED (default 300; 0: none)
  --body-timeout S      seconds a client has to send a whole request, else 408 REQUEST_TIMEOUT
                        (default 30)
  --idle-timeout S      seconds an idle keep-alive connection stays open (default 5)
  --drain-timeout S     on SIGTERM/SIGINT, seconds to finish requests in flight (default 30)
`;


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
      throw new HttpError('MODEL_NOT_FOUND', `model '${name}' not found; available models: ${avail.length ? avail.join(', ') : '(none)'}`);
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

function modelOf(body: Record<string, unknown>, models: Models): string {
  const m = body.model;
  if (m === undefined || m === null || m === '') return models.defaultName();
  if (typeof m !== 'string') throw new HttpError('INVALID_ARGUMENT', "'model' must be a string");
  return m;
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
      'max-queue': { type: 'string' },
      'request-timeout': { type: 'string' },
      'body-timeout': { type: 'string' },
      'idle-timeout': { type: 'string' },
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
  const maxQueue = intOption('max-queue', values['max-queue'], 1) ?? 512;
  const requestSeconds = intOption('request-timeout', values['request-timeout']) ?? 300;
  const bodySeconds = intOption('body-timeout', values['body-timeout'], 1) ?? 30;
  const idleSeconds = intOption('idle-timeout', values['idle-timeout'], 1) ?? 5;
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
      if (fmt !== 'float' && fmt !== 'base64') throw new HttpError('INVALID_ARGUMENT', "'encoding_format' must be 'float' or 'base64'");
      const dims = body.dimensions;
      if (dims !== undefined && dims !== null && !(Number.isInteger(dims) && (dims as number) >= 1))
        throw new HttpError('INVALID_ARGUMENT', "'dimensions' must be a positive integer");
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
      if (typeof body.prompt !== 'string') throw new HttpError('INVALID_ARGUMENT', "'prompt' must be a string");
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
      if (path === '/health' || path === '/v1/models' || path === '/api/tags') throw new HttpError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}`);
      throw new HttpError('NOT_FOUND', `no route ${req.method} ${path}`);
    }
    if (req.method !== 'POST') {
      req.resume();
      throw new HttpError('METHOD_NOT_ALLOWED', `${path} takes POST`);
    }
    const body = await readJson(req, opts.maxBody);
    // A bounded queue: past --max-queue requests in the engine, answer at once and say when to
    // come back, rather than let waiting requests (and their texts) pile up without limit.
    if (queued >= maxQueue) {
      throw new HttpError('OVERLOADED', `${queued} requests are being embedded or waiting (--max-queue ${maxQueue}); retry later`, { 'retry-after': '1' });
    }
    queued++;
    // Counted until the engine is done with it, even when its deadline answered the client first.
    const work = route(body).finally(() => queued--);
    send(res, 200, await withDeadline(work));
  };

  // Embedding requests admitted and not yet done by the engine (what --max-queue bounds).
  let queued = 0;
  /** A request's answer, or DEADLINE_EXCEEDED once --request-timeout has passed. The core
   * finishes the texts it has started; their vectors are dropped. */
  const withDeadline = <T>(work: Promise<T>): Promise<T> => {
    if (requestSeconds === 0) return work;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, rej) => {
      timer = setTimeout(() => rej(new HttpError('DEADLINE_EXCEEDED', `the request was not done within --request-timeout ${requestSeconds} s`)), requestSeconds * 1000);
    });
    work.catch(() => {}); // a rejection after the deadline has nobody to answer
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
  };

  // Requests in flight, so that a shutdown can wait for them (see stop below).
  let inFlight = 0;
  let stopping = false;
  let drained: (() => void) | undefined;
  const server = createServer(
    {
      // A client that trickles its request (slowloris) is cut off after --body-timeout; Node
      // checks that on this interval (30 s by default, too coarse for short limits).
      requestTimeout: bodySeconds * 1000,
      headersTimeout: bodySeconds * 1000,
      connectionsCheckingInterval: Math.min(1000, bodySeconds * 1000),
      keepAliveTimeout: idleSeconds * 1000,
    },
    (req, res) => {
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
    },
  );
  server.on('clientError', (e: NodeJS.ErrnoException, socket) => {
    const pending = (socket as unknown as { _httpMessage?: ServerResponse })._httpMessage;
    if (e.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      // The request never arrived whole within --body-timeout. If its headers did, its handler is
      // waiting for the body: answer through it; else answer on the bare socket.
      const body = JSON.stringify({ error: { message: `the request was not received within --body-timeout ${bodySeconds} s`, type: 'invalid_request_error', code: 'REQUEST_TIMEOUT' } });
      if (pending && !pending.headersSent) {
        pending.setHeader('connection', 'close');
        send(pending, HTTP_STATUS.REQUEST_TIMEOUT, body);
        pending.once('finish', () => socket.destroy());
      } else if (socket.writable && !pending) {
        socket.end(`HTTP/1.1 ${HTTP_STATUS.REQUEST_TIMEOUT} Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      } else socket.destroy();
      return;
    }
    const reply = () => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      else socket.destroy();
    };
    // Garbage after a valid request on a keep-alive connection: answer that request first (its
    // response is still being computed), then the 400, then close. Node keeps the response in
    // flight on the socket as `_httpMessage`.
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
