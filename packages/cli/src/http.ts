/**
 * The HTTP plumbing of `mullama serve`: errors in OpenAI's or Ollama's shape with the IDL's status
 * for their code, request bodies read within their limits and checked as UTF-8 and JSON, inputs
 * as texts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename } from 'node:path';
import { errorCode } from './errors.js';
import { HTTP_STATUS } from './generated/idl.js';

/** An error of the server's own (a `CommandErrorCode` or `ErrorCode` of the IDL): its HTTP
 * status is the code's `@http` tag, never chosen here. */
export class HttpError extends Error {
  constructor(readonly code: string, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

/** One route of the server: a path answers one method (GET routes answer HEAD too). */
export interface Route {
  method: 'GET' | 'POST';
  /** Embedding work: admitted through `--max-queue` and answered within `--request-timeout`. */
  embeds?: boolean;
  /** The shape of this request's errors, when its body decides it rather than its path (`/rerank`
   * is TEI's with `texts`, Jina's and Cohere's with `documents`). */
  errorShape?(body: Record<string, unknown>): ErrorShape;
  /** The answer as JSON text (sent 200), or undefined when the route wrote the response itself
   * (a stream). GET routes get an empty body. */
  run(body: Record<string, unknown>, req: IncomingMessage, res: ServerResponse): Promise<string | undefined>;
}

export function send(res: ServerResponse, status: number, body: string, type = 'application/json'): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Error text for a network client: model files by name, not by where they live on the server. */
export function withoutPaths(message: string): string {
  return message.replace(/(?:\/[^\s'"():,]+)+/g, (p) => (p.endsWith('.gguf') ? `'${basename(p, '.gguf')}'` : '<path>'));
}

/** An error's code, its HTTP status and a one-line message fit for a network client. */
export function describeError(e: unknown): { code: string; status: number; message: string } {
  let code = errorCode(e) ?? 'INTERNAL';
  if (!(code in HTTP_STATUS)) code = 'INTERNAL';
  let message = e instanceof Error ? e.message : String(e);
  // The core names files in its messages; HttpErrors are ours and may quote URL paths.
  if (!(e instanceof HttpError)) message = withoutPaths(message);
  // Every code's status is the IDL's @http tag, the core's codes and the server's own alike.
  return { code, status: HTTP_STATUS[code], message: message.split('\n')[0] };
}

/** OpenAI's routes answer `{"error":{message,type,code}}`; Ollama's (`/api/*`) `{"error":"text"}`. */
export type ErrorShape = 'openai' | 'ollama' | 'tei';

export function errorBody(code: string, status: number, message: string, shape: ErrorShape): string {
  if (shape === 'ollama') return JSON.stringify({ error: message });
  if (shape === 'tei') return JSON.stringify({ error: message, error_type: status === 503 || status === 429 ? 'Overloaded' : status >= 500 ? 'Backend' : 'Validation', code });
  return JSON.stringify({ error: { message, type: status < 500 ? 'invalid_request_error' : 'server_error', code } });
}

export function sendError(res: ServerResponse, e: unknown, shape: ErrorShape = 'openai'): void {
  const { code, status, message } = describeError(e);
  if (e instanceof HttpError) for (const [k, v] of Object.entries(e.headers)) if (!res.headersSent) res.setHeader(k, v);
  send(res, status, errorBody(code, status, message, shape));
}

/** An optional positive integer field (`dimensions`). */
export function positiveIntOf(body: Record<string, unknown>, field: string): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (!(Number.isInteger(v) && (v as number) >= 1)) throw new HttpError('INVALID_ARGUMENT', `'${field}' must be a positive integer`);
  return v as number;
}

export function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((res, rej) => {
    const declared = Number(req.headers['content-length']);
    if (declared > max) {
      rej(new HttpError('BODY_TOO_LARGE', `request body of ${declared} bytes exceeds the limit of ${max} bytes`));
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
        rej(new HttpError('BODY_TOO_LARGE', `request body exceeds the limit of ${max} bytes`));
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

export async function readJson(req: IncomingMessage, max: number): Promise<Record<string, unknown>> {
  const body = await readBody(req, max);
  let text: string;
  try {
    // Not Buffer.toString, which would swap bad bytes for U+FFFD and embed that silently.
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new HttpError('INVALID_UTF8', 'request body is not valid UTF-8');
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new HttpError('INVALID_JSON', `request body is not valid JSON: ${(e as Error).message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new HttpError('INVALID_JSON', 'request body must be a JSON object');
  return v as Record<string, unknown>;
}

/**
 * `input` as texts: a string or an array of strings. Token ids (an array of integers, or of
 * arrays of them) are decoded by `tokenIds` where the route takes them (OpenAI's), else refused.
 */
export function textsOf(input: unknown, field: string, maxInputs: number, tokenIds?: (ids: number[], where: string) => string): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input)) {
    if (!input.length) throw new HttpError('EMPTY_INPUT', `'${field}' is an empty array`);
    if (input.every((x) => typeof x === 'string')) {
      if (input.length > maxInputs) throw new HttpError('TOO_MANY_INPUTS', `'${field}' has ${input.length} items; at most ${maxInputs} per request`);
      return input as string[];
    }
    const flat = input.every((x) => typeof x === 'number');
    if (flat || input.every((x) => Array.isArray(x) && x.every((y) => typeof y === 'number'))) {
      if (!tokenIds) throw new HttpError('UNSUPPORTED_INPUT', `token-id input is not supported on this route; send '${field}' as a string or an array of strings`);
      if (flat) return [tokenIds(input as number[], `'${field}'`)];
      if (input.length > maxInputs) throw new HttpError('TOO_MANY_INPUTS', `'${field}' has ${input.length} items; at most ${maxInputs} per request`);
      return (input as number[][]).map((ids, i) => tokenIds(ids, `'${field}[${i}]'`));
    }
    throw new HttpError('INVALID_ARGUMENT', `'${field}' must be a string, an array of strings, or token ids (an array of integers, or of arrays of them)`);
  }
  if (input === undefined) throw new HttpError('INVALID_ARGUMENT', `missing '${field}'`);
  throw new HttpError('INVALID_ARGUMENT', `'${field}' must be a string, an array of strings, or token ids (an array of integers, or of arrays of them)`);
}

export function base64(v: Float32Array): string {
  const b = Buffer.alloc(v.length * 4);
  for (let i = 0; i < v.length; i++) b.writeFloatLE(v[i], i * 4);
  return b.toString('base64');
}
