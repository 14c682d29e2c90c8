/**
 * The error runtime of the npm package: the one class every mullama error is, and the two helpers
 * the generated API (src/generated/api.ts) wraps each binding call in. Hand-written: it is the
 * same for every IDL, as the glue's runtime helpers are.
 */
import { ErrorCode } from '../binding.cjs';

/** A vector argument: a `Float32Array` (what the API returns) or a plain array of numbers. */
export type VectorLike = Float32Array | number[];

const CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/** Every error mullama raises. `code` is stable; match on it, not on the message. */
export class MullamaError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MullamaError';
    this.code = code;
  }
}

/** A binding error as a MullamaError: the native `code` when it is one of ours, INVALID_ARGUMENT
 * for napi's own argument checks (e.g. a number where a string belongs); anything else as is. */
export function toMullamaError(e: unknown): unknown {
  if (e instanceof MullamaError || !(e instanceof Error)) return e;
  const raw = (e as { code?: unknown }).code;
  let code: string | undefined = typeof raw === 'string' && CODES.has(raw) ? raw : undefined;
  let message = e.message;
  // Fallback form of the glue's errors: "CODE: message".
  const m = /^([A-Z][A-Z0-9_]+): ([\s\S]*)$/.exec(message);
  if (!code && m && CODES.has(m[1])) [code, message] = [m[1], m[2]];
  // napi-rs's argument conversions: code 'InvalidArg', 'StringExpected', 'ArrayExpected', ...
  if (!code && typeof raw === 'string' && (raw === 'InvalidArg' || raw.endsWith('Expected'))) {
    code = ErrorCode.InvalidArgument;
  }
  if (!code) return e;
  const err = new MullamaError(code as ErrorCode, message, { cause: e });
  if (e.stack) err.stack = `MullamaError: ${message}\n${e.stack.split('\n').slice(1).join('\n')}`;
  return err;
}

/** A sync call whose errors become MullamaErrors. */
export function call<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw toMullamaError(e);
  }
}

/** An async call: its errors, argument checks included, become rejections with MullamaErrors. */
export function callAsync<T>(f: () => Promise<T>): Promise<T> {
  try {
    return f().catch((e: unknown) => Promise.reject(toMullamaError(e)));
  } catch (e) {
    return Promise.reject(toMullamaError(e));
  }
}
