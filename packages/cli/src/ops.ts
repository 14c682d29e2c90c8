/**
 * What `mullama serve` does around every request: a request id, an optional API key, CORS, the
 * access log and Prometheus metrics (`GET /metrics`).
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './http.js';

/** The client's `x-request-id` when it is a sane token, else a new one. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[\x21-\x7e]{1,128}$/.test(given) ? given : randomUUID();
}

/** Checks `Authorization: Bearer KEY`. Both sides are hashed first, so the comparison takes the
 * same time whatever the key's length and however much of it a guess gets right. */
export class ApiKey {
  private readonly digest: Buffer;
  constructor(key: string) {
    this.digest = sha256(key);
  }
  check(req: IncomingMessage): void {
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (!m || !timingSafeEqual(sha256(m[1].trim()), this.digest)) {
      throw new HttpError('UNAUTHORIZED', m ? 'the API key is wrong' : 'this server needs an API key: send Authorization: Bearer KEY', { 'www-authenticate': 'Bearer' });
    }
  }
}
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * CORS for the origins given with `--cors` (`*`: any). Adds `access-control-allow-origin` to the
 * answers to an allowed origin; answers a preflight (`OPTIONS` with
 * `access-control-request-method`) itself and returns true then. No `--cors`: no CORS headers, and
 * a preflight is an ordinary request (405).
 */
export function cors(origins: string[], req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  if (!origins.length || !origin) return false;
  const any = origins.includes('*');
  if (!any && !origins.includes(origin)) return false;
  res.setHeader('access-control-allow-origin', any ? '*' : origin);
  if (!any) res.setHeader('vary', 'origin');
  res.setHeader('access-control-expose-headers', 'x-request-id, retry-after');
  if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return false;
  req.resume();
  res.writeHead(204, {
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    // Echoed: a `*` here would not cover Authorization.
    'access-control-allow-headers': req.headers['access-control-request-headers'] ?? 'authorization, content-type, x-request-id',
    'access-control-max-age': '600',
    'content-length': '0',
  });
  res.end();
  return true;
}

/** One line on stderr per request (`--log-requests`): time, id, client, request, status, duration. */
export function accessLog(req: IncomingMessage, res: ServerResponse, id: string, path: string, seconds: number): void {
  const status = res.writableFinished ? res.statusCode : `${res.headersSent ? res.statusCode : '-'} (closed by client)`;
  process.stderr.write(`mullama: ${new Date().toISOString()} ${id} ${req.socket.remoteAddress ?? '-'} "${req.method} ${path}" ${status} ${(seconds * 1000).toFixed(1)}ms\n`);
}

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** Counters and a latency histogram, written in Prometheus' text format. */
export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly texts = new Map<string, number>();
  private readonly tokens = new Map<string, number>();
  private readonly latency = new Map<string, { buckets: number[]; sum: number; count: number }>();

  /** A request answered (or abandoned by its client: status 499) on `route` after `seconds`. */
  request(route: string, status: number, seconds: number): void {
    const key = `route="${esc(route)}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    let h = this.latency.get(route);
    if (!h) this.latency.set(route, (h = { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    BUCKETS.forEach((b, i) => seconds <= b && h.buckets[i]++);
    h.sum += seconds;
    h.count++;
  }

  /** Work done for a request on `model`: texts embedded, or documents reranked (one query and
   * document pair each), and their tokens. */
  embedded(model: string, texts: number, tokens: number): void {
    const key = `model="${esc(model)}"`;
    this.texts.set(key, (this.texts.get(key) ?? 0) + texts);
    this.tokens.set(key, (this.tokens.get(key) ?? 0) + tokens);
  }

  render(gauges: { queued: number; inFlight: number; modelsLoaded: number }): string {
    const out: string[] = [];
    const family = (name: string, type: string, help: string, rows: [string, number][]) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, v] of rows) out.push(`${name}${labels ? `{${labels}}` : ''} ${v}`);
    };
    family('mullama_requests_total', 'counter', 'HTTP requests answered, by route and status.', [...this.requests]);
    family('mullama_texts_total', 'counter', 'Texts embedded (and documents reranked), by model.', [...this.texts]);
    family('mullama_tokens_total', 'counter', 'Tokens embedded or reranked (special tokens included), by model.', [...this.tokens]);
    family('mullama_queue_depth', 'gauge', 'Embedding and rerank requests being run or waiting (what --max-queue bounds).', [['', gauges.queued]]);
    family('mullama_requests_in_flight', 'gauge', 'HTTP requests received and not yet answered.', [['', gauges.inFlight]]);
    family('mullama_models_loaded', 'gauge', 'Models loaded, each with its context.', [['', gauges.modelsLoaded]]);
    out.push('# HELP mullama_request_duration_seconds Time from a request\'s arrival to its answer, by route.', '# TYPE mullama_request_duration_seconds histogram');
    for (const [route, h] of this.latency) {
      const r = `route="${esc(route)}"`;
      BUCKETS.forEach((b, i) => out.push(`mullama_request_duration_seconds_bucket{${r},le="${b}"} ${h.buckets[i]}`));
      out.push(`mullama_request_duration_seconds_bucket{${r},le="+Inf"} ${h.count}`);
      out.push(`mullama_request_duration_seconds_sum{${r}} ${h.sum}`, `mullama_request_duration_seconds_count{${r}} ${h.count}`);
    }
    return out.join('\n') + '\n';
  }
}

const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
