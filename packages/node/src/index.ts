/**
 * mullama for Node.js: text embeddings with GGUF models on llama.cpp.
 *
 * This file is the thin idiomatic layer over the native binding (`binding.cjs`, built by napi-rs
 * from the generated glue in `native/src/generated`). It adds nothing to the computation: it
 * re-exports the binding and turns every error the binding raises into a `MullamaError` whose
 * `code` is one of the stable `ErrorCode` strings.
 */
import * as binding from '../binding.cjs';
import {
  ErrorCode,
  PoolingStrategy,
  OverflowPolicy,
  ConvertType,
  type ContextParams,
  type ContextStats,
  type EmbedOptions,
  type Embedding,
  type ModelInfo,
  type ConvertOptions,
  type ConvertReport,
} from '../binding.cjs';

export { ErrorCode, PoolingStrategy, OverflowPolicy, ConvertType };
export type { ContextParams, ContextStats, EmbedOptions, Embedding, ModelInfo, ConvertOptions, ConvertReport };

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
function toMullamaError(e: unknown): unknown {
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
function call<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw toMullamaError(e);
  }
}

/** An async call: its errors, argument checks included, become rejections with MullamaErrors. */
function callAsync<T>(f: () => Promise<T>): Promise<T> {
  try {
    return f().catch((e: unknown) => Promise.reject(toMullamaError(e)));
  } catch (e) {
    return Promise.reject(toMullamaError(e));
  }
}

/** A GGUF embedding model loaded in memory, shared by contexts. Load with `Model.load(path)`. */
export class Model extends binding.Model {
  /** Loads a GGUF file. Checks the file first: a missing or corrupt file is a typed error. */
  static override load(path: string): Promise<Model> {
    // The native factory makes the instance; give it this class's prototype so that
    // `instanceof Model` holds (the native getters work on it unchanged).
    return callAsync(() => binding.Model.load(path)).then((m) => Object.setPrototypeOf(m, Model.prototype) as Model);
  }
}

/** Embeds texts with a model. Calls may overlap: they are packed into shared micro-batches. */
export class Context extends binding.Context {
  constructor(model: Model, params?: ContextParams) {
    try {
      super(model, params);
    } catch (e) {
      throw toMullamaError(e);
    }
  }

  /** Embeds one text. */
  override getEmbedding(text: string, options?: EmbedOptions): Promise<Embedding> {
    return callAsync(() => super.getEmbedding(text, options));
  }

  /** Embeds many texts at once; results are in input order. */
  override getEmbeddingBatch(texts: string[], options?: EmbedOptions): Promise<Embedding[]> {
    return callAsync(() => super.getEmbeddingBatch(texts, options));
  }

  /** Running totals of the work done: calls, texts, micro-batches and tokens. */
  override stats(): ContextStats {
    return call(() => super.stats());
  }

  /** Stops the workers; later calls fail with `CONTEXT_CLOSED`. */
  override close(): void {
    call(() => super.close());
  }
}

/** Cosine similarity in [-1, 1]; 0 when a vector is all zeros. */
export function cosineSimilarity(a: VectorLike, b: VectorLike): number {
  return call(() => binding.cosineSimilarity(a, b));
}

/** Dot product. */
export function dotProduct(a: VectorLike, b: VectorLike): number {
  return call(() => binding.dotProduct(a, b));
}

/** The vector scaled to unit length; an all-zero vector comes back unchanged. */
export function normalize(vector: VectorLike): Float32Array {
  return call(() => binding.normalize(vector));
}

/** Converts a Hugging Face BERT-family folder (safetensors) to a GGUF file. */
export function convertModel(source: string, destination: string, options?: ConvertOptions): Promise<ConvertReport> {
  return callAsync(() => binding.convertModel(source, destination, options));
}

/** The folder that holds named models (`$MULLAMA_HOME/models`, else the user cache folder). */
export function modelsDir(): string {
  return call(() => binding.modelsDir());
}

/** A GGUF path for a model name (`llama3.2:1b`) or path, by the store's rules. */
export function resolveModelPath(nameOrPath: string): string {
  return call(() => binding.resolveModelPath(nameOrPath));
}
