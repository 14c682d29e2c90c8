/**
 * mullama for Node.js: text embeddings with GGUF models on llama.cpp.
 *
 * The API is generated from the IDL (packages/api-spec) into `generated/api.ts`: thin wrappers
 * over the native binding (`binding.cjs`, built by napi-rs from the generated glue in
 * `native/src/generated`) that add nothing to the computation and turn every binding error into
 * a `MullamaError` whose `code` is one of the stable `ErrorCode` strings (`errors.ts`).
 */
export * from './generated/api.js';
export { MullamaError, type VectorLike } from './errors.js';
