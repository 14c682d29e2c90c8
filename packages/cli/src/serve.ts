/** `mullama serve`: OpenAI-, Ollama- and TEI-compatible embedding (and rerank) endpoints over node:http. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import type { Embedding, EmbedRole, OverflowPolicy } from 'mullama';
import { CliError, usage } from './errors.js';
import { HTTP_STATUS } from './generated/idl.js';
import { base64, errorBody, type ErrorShape, HttpError, positiveIntOf, readJson, type Route, send, sendError, textsOf } from './http.js';
import { decodeTokenIds } from './tokenids.js';
import { type EmbedFn, modelOf, Models } from './models.js';
import { ollamaRoutes } from './ollama.js';
import { TEI_PATHS, teiRoutes } from './tei.js';
import { teiTokenRoutes } from './teitokens.js';
import { rankRoutes } from './rankroutes.js';
import { accessLog, ApiKey, cors, Metrics, requestIdOf } from './ops.js';
import { vectorJson } from './output.js';
import { intOption } from './embed.js';

export const SERVE_HELP = `Usage: mullama serve [options]

Serves embeddings over HTTP, OpenAI's, Ollama's and TEI's APIs on one port, and reranking:
  POST /v1/embeddings   OpenAI   {model, input, encoding_format?, dimensions?}; input may be
                                 token ids, read as tiktoken cl100k_base (LangChain's default)
  GET  /v1/models       OpenAI
  POST /api/embed       Ollama   {model, input, truncate?, dimensions?, keep_alive?, options?}
  POST /api/embeddings  Ollama   {model, prompt} (the legacy endpoint)
  GET  /api/tags, POST /api/show {model}, GET /api/ps, GET /api/version
  POST /api/pull        Ollama   {model, stream?}: pulls into the store, as 'mullama pull' does
  POST /embed, POST /   TEI      {inputs, normalize?, truncate?, truncation_direction?,
                                 prompt_name?, dimensions?}: the default model (first --model)
  POST /embed_all       TEI      {inputs, truncate?, truncation_direction?, prompt_name?}: every
                                 token's vector, unpooled: [[[f32...] per token] per input]
  POST /tokenize        TEI      {inputs, add_special_tokens?, prompt_name?}: [[{id, text,
                                 special, start, stop}] per input], offsets in UTF-8 bytes
  GET  /info            TEI
  POST /v1/rerank       Cohere   {model?, query, documents, top_n?, return_documents?}, also
                                 Jina's, llama-server's and LiteLLM's: {results: [{index,
                                 relevance_score, document?}], usage}, most relevant first,
                                 relevance_score in (0, 1); a document too long to fit beside
                                 the query is cut at its end. POST /rerank with 'documents' too
  POST /rerank          TEI      {query, texts, raw_scores?, return_text?, truncate?,
                                 truncation_direction?}: [{index, score, text?}]
                        Reranking runs on the request's model when it is a served reranker,
                        else on the first --model that is a reranker (a cross-encoder)
  GET  /health, GET /metrics (Prometheus), GET / ("Ollama is running")
Errors: {"error":{message,type,code}} on OpenAI's routes, {"error":"text"} on /api/*,
{"error":"text","error_type":"Validation"} on TEI's, with
the code's own status (404 MODEL_NOT_FOUND, 401 UNAUTHORIZED, 503 OVERLOADED, ...). Ollama's
keep_alive and options are accepted and change nothing: models stay loaded, and --threads and
--n-ctx hold for every request.

Clients: OpenAI's take the base URL http://HOST:PORT/v1. Ollama's find the server on Ollama's
port with --ollama, else through OLLAMA_HOST=http://HOST:PORT (read by the ollama CLI and the
Python library; JavaScript: new Ollama({host: 'http://HOST:PORT'})).

Options:
  --host HOST           address to listen on (default 127.0.0.1)
  --port PORT           port (default 8080; 0 picks a free one)
  --ollama              listen on Ollama's port, 11434 (instead of --port)
  --model NAME          serve only these models (repeatable; a store name or a .gguf path):
                        embedding models and rerankers; default: any model in the store,
                        loaded on first use
  --threads N           CPU threads per model (default: all cores)
  --n-ctx N             most tokens per input, or per query and document pair (default: the
                        model's length, at most its context)
  --max-body BYTES      largest request body (default 16777216)
  --max-inputs N        most inputs (or documents to rerank) per request (default 2048)
  --max-tokens N        most tokens per embedding request (default 1048576); a rerank request
                        holds at most --max-inputs pairs of at most --n-ctx tokens each
  --max-queue N         most embedding and rerank requests running or waiting at once; more are
                        answered 503 OVERLOADED with Retry-After (default 512)
  --request-timeout S   seconds a request may take from arrival to answer, else 504
                        DEADLINE_EXCEEDED (default 300; 0: none)
  --body-timeout S      seconds a client has to send a whole request, else 408 REQUEST_TIMEOUT
                        (default 30)
  --idle-timeout S      seconds an idle keep-alive connection stays open (default 5)
  --drain-timeout S     on SIGTERM/SIGINT, seconds to finish requests in flight (default 30)
  --api-key KEY         every route but /health and / needs Authorization: Bearer KEY, else
                        401 UNAUTHORIZED (default: env MULLAMA_API_KEY; unset: no key). Clients:
                        OpenAI's api_key, OLLAMA_API_KEY for Ollama's Python library, headers
                        for its JavaScript one
  --cors ORIGIN         let web pages from ORIGIN call the server (repeatable; * for any): answers
                        preflight OPTIONS, adds access-control-allow-origin (default: no CORS)
  --log-requests        one line per request on stderr: time, request id, client, request,
                        status, duration
Every answer carries x-request-id: the request's own when it sent one, else a new one.
`;

/** Ollama's default port, for --ollama. */
const OLLAMA_PORT = 11434;

export async function serveCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string', short: 'p' },
      ollama: { type: 'boolean' },
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
      'api-key': { type: 'string' },
      cors: { type: 'string', multiple: true },
      'log-requests': { type: 'boolean' },
    },
  });
  // Bare names after the flags (`--model a b`) count as more models.
  const modelList = [...(values.model ?? []), ...positionals];
  if (positionals.length && !values.model) throw usage(`serve takes no positional arguments (did you mean --model ${positionals[0]}?)`);
  const host = values.host ?? '127.0.0.1';
  if (values.ollama && values.port !== undefined) throw usage(`--ollama is --port ${OLLAMA_PORT}: give one of them`);
  const port = values.ollama ? OLLAMA_PORT : (intOption('port', values.port) ?? 8080);
  if (port > 65535) throw usage('--port must be at most 65535');
  const nThreads = intOption('threads', values.threads);
  const nCtx = intOption('n-ctx', values['n-ctx']);
  const maxBody = intOption('max-body', values['max-body'], 1) ?? 16 * 1024 * 1024;
  const maxInputs = intOption('max-inputs', values['max-inputs'], 1) ?? 2048;
  const maxTokens = intOption('max-tokens', values['max-tokens'], 1) ?? 1 << 20;
  const drainSeconds = intOption('drain-timeout', values['drain-timeout']) ?? 30;
  const maxQueue = intOption('max-queue', values['max-queue'], 1) ?? 512;
  const requestSeconds = intOption('request-timeout', values['request-timeout']) ?? 300;
  const bodySeconds = intOption('body-timeout', values['body-timeout'], 1) ?? 30;
  const idleSeconds = intOption('idle-timeout', values['idle-timeout'], 1) ?? 5;
  if (values['api-key'] === '') throw usage('--api-key needs a non-empty KEY');
  const key = values['api-key'] ?? process.env.MULLAMA_API_KEY;
  const apiKey = key ? new ApiKey(key) : undefined;
  const corsOrigins = (values.cors ?? []).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);
  const logRequests = values['log-requests'] ?? false;
  const models = new Models(modelList, { nThreads, nCtx });
  // Load the named models now so that a bad file fails at startup, not on the first request.
  if (modelList.length) for (const n of models.available()) await models.get(n);
  const metrics = new Metrics();

  // HTTP in, one core call out: empty texts, token budgets, overflow, dimensions and
  // normalisation are the core's rules (EmbedOptions), applied before any text is run.
  const embed: EmbedFn = async (name, texts, options) => {
    const { ctx } = await models.get(name);
    const embs: Embedding[] = await ctx.getEmbeddingBatch(texts, {
      overflow: options.overflow as OverflowPolicy,
      normalize: options.normalize,
      dimensions: options.dimensions,
      role: options.role as EmbedRole | undefined,
      maxTokens,
    });
    const tokens = embs.reduce((a, e) => a + e.tokens, 0);
    metrics.embedded(name, texts.length, tokens);
    return { embs, tokens };
  };

  const routes: Record<string, Route> = {
    '/v1/embeddings': {
      method: 'POST',
      embeds: true,
      run: async (body) => {
        const name = modelOf(body, models);
        const texts = textsOf(body.input, 'input', maxInputs, decodeTokenIds);
        const fmt = body.encoding_format ?? 'float';
        if (fmt !== 'float' && fmt !== 'base64') throw new HttpError('INVALID_ARGUMENT', "'encoding_format' must be 'float' or 'base64'");
        const dimensions = positiveIntOf(body, 'dimensions');
        const { embs, tokens } = await embed(name, texts, { overflow: 'error', normalize: true, dimensions });
        const data = embs.map((e, index) => {
          const emb = fmt === 'base64' ? JSON.stringify(base64(e.data)) : vectorJson(e.data);
          return `{"object":"embedding","index":${index},"embedding":${emb},"space":${JSON.stringify(e.space)}}`;
        });
        return `{"object":"list","data":[${data.join(',')}],"model":${JSON.stringify(name)},"usage":{"prompt_tokens":${tokens},"total_tokens":${tokens}}}`;
      },
    },
    '/v1/models': {
      method: 'GET',
      run: async () => JSON.stringify({ object: 'list', data: models.available().map((id) => ({ id, object: 'model', created: 0, owned_by: 'mullama' })) }),
    },
    '/metrics': {
      method: 'GET',
      run: async (_body, _req, res) => {
        const text = metrics.render({ queued, inFlight, modelsLoaded: models.loadedModels().length });
        send(res, 200, text, 'text/plain; version=0.0.4; charset=utf-8');
        return undefined;
      },
    },
    ...ollamaRoutes({ models, maxInputs, nCtx, embed }),
    ...teiRoutes({ models, maxInputs, maxTokens, embed }),
    ...teiTokenRoutes({ models, maxInputs, maxTokens, metrics }),
    ...rankRoutes({ models, maxInputs, metrics }),
  };
  /** Liveness answers: no API key needed. `/` is what Ollama's clients probe. */
  const open: Record<string, () => [string, string]> = {
    '/health': () => ['{"status":"ok"}', 'application/json'],
    '/': () => ['Ollama is running', 'text/plain; charset=utf-8'],
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    if (cors(corsOrigins, req, res)) return; // a preflight, answered
    const isGet = req.method === 'GET' || req.method === 'HEAD';
    if (isGet && Object.hasOwn(open, path)) {
      req.resume();
      const [body, type] = open[path]();
      return send(res, 200, body, type);
    }
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    // Every refusal below leaves the body unread: drop it, so the connection can go on.
    const refuse = (e: HttpError) => {
      req.resume();
      return e;
    };
    try {
      apiKey?.check(req);
    } catch (e) {
      throw refuse(e as HttpError);
    }
    if (!route) {
      if (Object.hasOwn(open, path)) throw refuse(new HttpError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}`));
      throw refuse(new HttpError('NOT_FOUND', `no route ${req.method} ${path}`));
    }
    if (!(route.method === 'GET' ? isGet : req.method === 'POST')) throw refuse(new HttpError('METHOD_NOT_ALLOWED', `${path} takes ${route.method}`));
    const body = route.method === 'POST' ? await readJson(req, maxBody) : (req.resume(), {});
    if (route.errorShape) shapes.set(res, route.errorShape(body));
    if (!route.embeds) {
      const answer = await route.run(body, req, res);
      if (answer !== undefined) send(res, 200, answer);
      return;
    }
    // A bounded queue: past --max-queue requests in the engine, answer at once and say when to
    // come back, rather than let waiting requests (and their texts) pile up without limit.
    if (queued >= maxQueue) {
      throw new HttpError('OVERLOADED', `${queued} requests are being embedded or waiting (--max-queue ${maxQueue}); retry later`, { 'retry-after': '1' });
    }
    queued++;
    // Counted until the engine is done with it, even when its deadline answered the client first.
    const work = route.run(body, req, res).finally(() => queued--);
    const answer = await withDeadline(work);
    if (answer !== undefined) send(res, 200, answer);
  };
  /** Metrics label requests by route; any other path is "other", so clients cannot add labels. */
  const routeLabel = (path: string) => (Object.hasOwn(routes, path) || Object.hasOwn(open, path) ? path : 'other');
  const shapeOf = (path: string) => (path.startsWith('/api/') ? 'ollama' : TEI_PATHS.has(path) ? 'tei' : 'openai');
  /** Error shapes a request's body chose (`Route.errorShape`), over its path's. */
  const shapes = new WeakMap<ServerResponse, ErrorShape>();

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
    const t0 = performance.now();
    const path = (req.url ?? '/').split('?')[0];
    const id = requestIdOf(req);
    res.setHeader('x-request-id', id);
    inFlight++;
    res.on('close', () => {
      inFlight--;
      const seconds = (performance.now() - t0) / 1000;
      // 499: the client went away before its answer was sent.
      metrics.request(routeLabel(path), res.writableFinished ? res.statusCode : 499, seconds);
      if (logRequests) accessLog(req, res, id, path, seconds);
      if (inFlight === 0) drained?.();
    });
    // While draining, answer and let the client go rather than keep the connection alive.
    if (stopping) res.setHeader('connection', 'close');
    handle(req, res, path).catch((e) => {
      try {
        sendError(res, e, shapes.get(res) ?? shapeOf(path));
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
      const path = (pending?.req?.url ?? '/').split('?')[0];
      const body = errorBody('REQUEST_TIMEOUT', HTTP_STATUS.REQUEST_TIMEOUT, `the request was not received within --body-timeout ${bodySeconds} s`, shapeOf(path));
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
