/**
 * The mullama IDL: the single source of truth for the public API of every language.
 *
 * Written in the Node.js spelling. `tools/codegen` reads this file with the TypeScript compiler
 * API and emits the Rust trait surface and DTOs (packages/core-native/src/generated), the napi
 * glue (packages/node/native/src/generated), the Python stubs and glue, and the glossary.
 *
 * Conventions the generator understands:
 * - Numeric aliases below (`U32`, `Usize`, `U64`, `F32`) fix the native type of a `number`.
 * - `Vector` is a dense f32 vector (`Float32Array` in Node, numpy float32 in Python, `Vec<f32>`/`&[f32]` in Rust).
 * - `QuantizedVector` is an int8 or uint8 vector; `VectorOrEmbedding` (parameters only) a vector
 *   or an `Embedding`, compared with its embedding space checked.
 * - A method returning `Promise<T>` is async (Node promise, Python sync + asyncio variants).
 * - `@default` on a field gives its default value; `@alias` on an enum member adds a parse alias.
 * - `@infallible` marks a call that cannot fail (no Result in Rust).
 * - `@http` on an `ErrorCode` member is the HTTP status the server answers it with.
 * - `@contextManager` on a class with an infallible `close()` makes it a Python context manager.
 * - `@cli` names the `mullama` flag or command that does the same (the glossary's CLI column).
 */

export type U32 = number;
export type U64 = number;
export type Usize = number;
export type F32 = number;
export type Vector = Float32Array;
/**
 * A quantized vector: `Int8Array` for `Precision.Int8` and `Binary`, `Uint8Array` for `Uint8`
 * and `Ubinary` (numpy int8/uint8 in Python, `QuantizedVector::Int8`/`Uint8` in Rust).
 */
export type QuantizedVector = Int8Array | Uint8Array;
/**
 * What the similarity functions compare: a vector, or an `Embedding`, whose `space` is then
 * checked (`SPACE_MISMATCH` when two embeddings come from different spaces).
 */
export type VectorOrEmbedding = Vector | Embedding;

/** How token vectors become one text vector. */
export enum PoolingStrategy {
  /** Average of all token vectors. The default; right for most embedding models. */
  Mean = "mean",
  /** The last token's vector; for decoder-only (autoregressive) models. */
  Last = "last",
  /**
   * The first token's vector ([CLS] for BERT-style models).
   * @alias cls
   */
  First = "first",
  /** Element-wise maximum over the token vectors. */
  Max = "max",
  /** The pooling the model declares in its metadata; an error for models that declare none. */
  Native = "native",
}

/** What to do with a text longer than the context. */
export enum OverflowPolicy {
  /** Fail with `INPUT_TOO_LONG`. */
  Error = "error",
  /**
   * Keep the beginning, drop tokens at the end.
   * @alias truncate
   */
  TruncateEnd = "truncate_end",
  /** Keep the end, drop tokens at the beginning. */
  TruncateStart = "truncate_start",
}

/**
 * What a text is for, with models that embed queries and documents differently (e5, nomic-embed,
 * bge, mxbai): each role has its prompt, a prefix put before the text, as sentence-transformers'
 * `encode_query` and `encode_document` do.
 */
export enum EmbedRole {
  /** A search query: the model's `query` prompt. */
  Query = "query",
  /**
   * A document to be found: the model's `document` prompt (else its `passage` or `corpus` one).
   * @alias passage
   */
  Document = "document",
}

/**
 * The number type of `Embedding.quantized`, with sentence-transformers' `quantize_embeddings`
 * semantics. `Binary` and `Ubinary` keep one bit per dimension (value > 0), packed 8 to a byte,
 * first dimension in the highest bit: 32 times smaller, compared with `hammingDistance`.
 */
export enum Precision {
  /** No quantized form: `Embedding.quantized` is absent. */
  Float32 = "float32",
  /**
   * One signed byte per dimension: each dimension's range (`EmbedOptions.ranges`, else the
   * call's own vectors) cut into 256 steps, from -128.
   */
  Int8 = "int8",
  /** One unsigned byte per dimension: as `Int8`, from 0. */
  Uint8 = "uint8",
  /** Packed sign bits as signed bytes (each byte minus 128), as sentence-transformers stores them. */
  Binary = "binary",
  /** Packed sign bits as unsigned bytes. */
  Ubinary = "ubinary",
}

/** Output type of a converted model. */
export enum ConvertType {
  /** 32-bit floats: exact, largest. */
  F32 = "f32",
  /** 16-bit floats: the usual choice. */
  F16 = "f16",
  /** 8-bit blocks with a scale: smallest, cosine about 0.999 to f32. */
  Q8_0 = "q8_0",
}

/**
 * Stable error codes. Bindings expose them unchanged (Node `err.code`, Python exception classes).
 * The server answers each with its own HTTP status, and the command exits with its own status
 * (`@http`, `@exit`; listed by `mullama --help`).
 */
export enum ErrorCode {
  /**
   * The model file does not exist or cannot be read.
   * @http 404
   * @exit 3
   */
  ModelNotFound = "MODEL_NOT_FOUND",
  /**
   * The file is not a GGUF model llama.cpp can load (bad magic, version, truncated, corrupt).
   * @http 500
   * @exit 4
   */
  ModelInvalid = "MODEL_INVALID",
  /**
   * The model cannot do what was asked: embed with a reranker or an encoder-decoder model, rank with an embedding model.
   * @http 400
   * @exit 5
   */
  ModelUnsupported = "MODEL_UNSUPPORTED",
  /**
   * A text is empty, or tokenizes to nothing but special tokens.
   * @http 400
   * @exit 6
   */
  EmptyInput = "EMPTY_INPUT",
  /**
   * Input bytes are not valid UTF-8.
   * @http 400
   * @exit 7
   */
  InvalidUtf8 = "INVALID_UTF8",
  /**
   * A text has more tokens than the context allows and the overflow policy is `Error`.
   * @http 400
   * @exit 8
   */
  InputTooLong = "INPUT_TOO_LONG",
  /**
   * The pooling strategy cannot be applied to this model (`Native` on a decoder).
   * @http 400
   * @exit 9
   */
  PoolingUnsupported = "POOLING_UNSUPPORTED",
  /**
   * Two vectors of different lengths were combined.
   * @http 400
   * @exit 10
   */
  DimensionMismatch = "DIMENSION_MISMATCH",
  /**
   * The context was closed and can no longer be used.
   * @http 503
   * @exit 11
   */
  ContextClosed = "CONTEXT_CLOSED",
  /**
   * An argument is out of range or inconsistent.
   * @http 400
   * @exit 12
   */
  InvalidArgument = "INVALID_ARGUMENT",
  /**
   * llama.cpp failed to tokenize, encode or decode.
   * @http 500
   * @exit 13
   */
  EngineFailure = "ENGINE_FAILURE",
  /**
   * A Hugging Face model folder could not be converted to GGUF.
   * @http 500
   * @exit 14
   */
  ConvertFailed = "CONVERT_FAILED",
  /**
   * An operating-system I/O error outside model loading.
   * @http 500
   * @exit 15
   */
  Io = "IO",
  /**
   * Two embeddings from different embedding spaces (`Embedding.space`) were compared.
   * Their model, pooling, normalisation, dimensions, precision or prompt differ.
   * @http 400
   * @exit 18
   */
  SpaceMismatch = "SPACE_MISMATCH",
}

/**
 * Codes only the `mullama` command and its server raise, besides every `ErrorCode`: bad flags,
 * downloads, HTTP requests. Not part of the library API of any language.
 * @cli
 */
export enum CommandErrorCode {
  /**
   * A command-line flag or argument is wrong or missing.
   * @http 400
   * @exit 2
   */
  Usage = "USAGE",
  /**
   * A download did not match its expected sha256.
   * @http 502
   * @exit 16
   */
  ChecksumMismatch = "CHECKSUM_MISMATCH",
  /**
   * A network operation passed its deadline (`pull`: `MULLAMA_PULL_TIMEOUT_S`).
   * @http 504
   * @exit 17
   */
  Timeout = "TIMEOUT",
  /**
   * The request body is not JSON, or not a JSON object.
   * @http 400
   */
  InvalidJson = "INVALID_JSON",
  /**
   * The request body is larger than `--max-body`.
   * @http 413
   */
  BodyTooLarge = "BODY_TOO_LARGE",
  /**
   * The request has more inputs than `--max-inputs`.
   * @http 400
   */
  TooManyInputs = "TOO_MANY_INPUTS",
  /**
   * The request's input is of a kind this route does not embed (token ids anywhere but OpenAI's
   * `/v1/embeddings`, which reads them as tiktoken cl100k_base).
   * @http 400
   */
  UnsupportedInput = "UNSUPPORTED_INPUT",
  /**
   * No route has this path.
   * @http 404
   */
  NotFound = "NOT_FOUND",
  /**
   * The route exists but not with this HTTP method.
   * @http 405
   */
  MethodNotAllowed = "METHOD_NOT_ALLOWED",
  /**
   * The client did not send the whole request within `--body-timeout`.
   * @http 408
   */
  RequestTimeout = "REQUEST_TIMEOUT",
  /**
   * `--max-queue` requests are already being embedded or waiting: try again after `Retry-After`.
   * @http 503
   */
  Overloaded = "OVERLOADED",
  /**
   * The request was not answered within `--request-timeout`.
   * @http 504
   */
  DeadlineExceeded = "DEADLINE_EXCEEDED",
  /**
   * The server was started with an API key (`--api-key`, `MULLAMA_API_KEY`) and the request
   * did not carry it as `Authorization: Bearer KEY`.
   * @http 401
   */
  Unauthorized = "UNAUTHORIZED",
  /**
   * A failure with no code of its own (a bug: please report it).
   * @http 500
   * @exit 1
   */
  Internal = "INTERNAL",
}

/** How a context is built. Every field has a default; most users set only `embeddings: true`. */
export interface ContextParams {
  /**
   * Must be true: a mullama context computes embeddings (the field mirrors llama.cpp's).
   * @default true
   */
  embeddings?: boolean;
  /**
   * Most tokens one text may have, special tokens included. 0: the model's default length
   * (`ModelInfo.maxSeqLength`, what its sentence-transformers config embeds with), else its
   * training context. More than the training context (the position table) is an
   * `INVALID_ARGUMENT` error: llama.cpp would read past it.
   * @default 0
   * @cli --n-ctx
   */
  nCtx?: U32;
  /**
   * Token budget of one micro-batch: texts are packed up to it. 0: 256; at most 65536. At most 63 makes every
   * vector bit-for-bit independent of what it is batched with (llama.cpp's CPU flash attention
   * switches to a tiled kernel at 64 tokens per micro-batch, which rounds differently: up to
   * 1.2e-4 apart on all-minilm) at a cost of 8-18% throughput on 2 cores.
   * @default 0
   */
  nBatch?: U32;
  /**
   * CPU threads. 0: all available cores; at most that many (the cores this process may use,
   * affinity and cgroup quotas counted). More would not be faster: llama.cpp's threads wait for
   * each other spinning, and two texts that take 9 ms with 2 threads took 45 s with 64 on 2 cores.
   * @default 0
   * @cli --threads
   */
  nThreads?: U32;
  /**
   * Worker contexts sharing the model; threads are split between them. 0: one; at most 256 and
   * at most `nThreads`.
   * @default 0
   */
  nWorkers?: U32;
  /**
   * Pooling when a call does not say. Absent: the model's own (`ModelInfo.defaultPooling`:
   * what its file declares, else `Mean`).
   * @cli --pooling
   */
  pooling?: PoolingStrategy;
  /**
   * L2-normalise vectors when a call does not say. Absent: the model's own
   * (`ModelInfo.defaultNormalize`: true when its sentence-transformers config normalises).
   * @cli --normalize
   */
  normalize?: boolean;
  /**
   * What to do with texts longer than `nCtx`.
   * @default OverflowPolicy.Error
   * @cli --overflow
   */
  overflow?: OverflowPolicy;
  /**
   * Flash attention with f16 K/V (faster). false computes attention in f32 (exact, slower).
   * @default true
   */
  flashAttention?: boolean;
}

/** Per-call options; an absent field falls back to the context's parameters. */
export interface EmbedOptions {
  /**
   * Pooling for this call.
   * @cli --pooling
   */
  pooling?: PoolingStrategy;
  /**
   * L2-normalise this call's vectors.
   * @cli --normalize
   */
  normalize?: boolean;
  /**
   * What to do with texts longer than the context's `nCtx`, for this call.
   * @cli --overflow
   */
  overflow?: OverflowPolicy;
  /**
   * Most tokens the whole call may have (special tokens included), checked before any text is
   * run: more is an `INPUT_TOO_LONG` error. Absent: no limit beyond `nCtx` per text.
   * @cli serve --max-tokens
   */
  maxTokens?: U32;
  /**
   * Keep only the first `dimensions` values of each vector (Matryoshka models, OpenAI's
   * `dimensions`); with `normalize`, the shortened vector is scaled to unit length. More than the
   * model's dimension is an `INVALID_ARGUMENT` error.
   */
  dimensions?: U32;
  /**
   * Embed the texts as queries or documents: each text gets the role's prompt in front
   * (`ModelInfo.queryPrompt`, `documentPrompt`); a model without one embeds the text as is.
   * Absent: the model's default prompt (`ModelInfo.defaultPrompt`), usually none.
   * @cli --role
   */
  role?: EmbedRole;
  /**
   * A prompt of your own, put before every text instead of the role's; `""` for none. Token
   * counts and `nCtx` include it; truncation never cuts it.
   * @cli --prompt
   */
  prompt?: string;
  /**
   * Also return each vector quantized (`Embedding.quantized`). `Int8`/`Uint8` need each
   * dimension's range: `ranges`, else the minimum and maximum over this call's vectors (as
   * sentence-transformers does without calibration; refused when they are equal, e.g. one text).
   * Absent: `Float32`, no quantized form.
   * @cli --precision
   */
  precision?: Precision;
  /**
   * Calibration of `Int8`/`Uint8`: the minimum of every dimension, then the maximum (2 ×
   * dimensions values; `quantizationRanges` computes them from a sample of your corpus). Values
   * outside a range saturate at the ends. Part of the embedding space.
   */
  ranges?: Vector;
}

/** One text's vector and what happened on the way. */
export interface Embedding {
  /** The vector. */
  data: Vector;
  /** Its length: the model's embedding dimension. */
  dimension: Usize;
  /** Tokens the text had, special tokens included. */
  inputTokens: Usize;
  /** Tokens that went into the vector (fewer than `inputTokens` when truncated). */
  tokens: Usize;
  /** Whether the overflow policy cut the text. */
  truncated: boolean;
  /** The prompt put before the text (from `role`, `prompt` or the model's default), if any. */
  prompt?: string;
  /** The vector quantized, when `EmbedOptions.precision` asks for it. */
  quantized?: QuantizedVector;
  /**
   * The embedding space this vector lives in: 16 hex digits over the model's fingerprint,
   * pooling, normalisation, dimensions, precision (and int8 ranges) and a prompt of your own (the
   * model's query and document prompts share one space: queries are compared with documents).
   * Vectors are comparable only within one space; stable across runs, languages and machines.
   */
  space: string;
}

/** Per-call options of `Context.rank`. */
export interface RankOptions {
  /**
   * Return only the `topN` most relevant documents. Absent: every document.
   * @cli mullama rerank --top-n
   */
  topN?: U32;
  /**
   * Put each document's text into its result.
   * @default false
   * @cli mullama rerank --return-documents
   */
  returnDocuments?: boolean;
  /**
   * What to do with a query and document longer together than the context's `nCtx`: the
   * truncating policies cut the document (its end or its start), never the query. Absent: the
   * context's `overflow`.
   * @cli --overflow
   */
  overflow?: OverflowPolicy;
}

/** How relevant one document is to the query (`Context.rank`). */
export interface RankResult {
  /** The document's position in the list given to `rank`. */
  index: Usize;
  /**
   * Relevance in (0, 1): the sigmoid of `logit`, what sentence-transformers' `CrossEncoder`
   * and text-embeddings-inference report.
   */
  score: F32;
  /** The classification head's raw output (what llama-server reports as `relevance_score`). */
  logit: F32;
  /** The document's text, with `RankOptions.returnDocuments`. */
  document?: string;
  /** Tokens of the query and document pair, special tokens included. */
  tokens: Usize;
  /** Whether the overflow policy cut the document. */
  truncated: boolean;
}

/** Every token's vector of one text (`Context.getTokenEmbeddings`): the encoder's last hidden states. */
export interface TokenEmbeddings {
  /** `tokens` vectors of `dimension` values, one after the other (row-major). */
  data: Vector;
  /** Length of each token's vector: the model's embedding dimension. */
  dimension: Usize;
  /** Tokens embedded (rows of `data`), special tokens and the prompt included. */
  tokens: Usize;
  /** Tokens the text had, special tokens included. */
  inputTokens: Usize;
  /** Whether the overflow policy cut the text. */
  truncated: boolean;
}

/** One token of a text, with where it came from (`Model.tokenizeWithOffsets`). */
export interface TokenInfo {
  /** The token id. */
  id: U32;
  /** The vocabulary entry, as Hugging Face spells it (`##ing` for a WordPiece continuation). */
  text: string;
  /** A token the model adds around every text ([CLS], [SEP], BOS), not one of the text's. */
  special: boolean;
  /**
   * UTF-8 byte offset in the text where the token starts (what text-embeddings-inference's
   * `/tokenize` reports); absent for special tokens.
   */
  start?: Usize;
  /** UTF-8 byte offset where the token ends (exclusive); absent for special tokens. */
  stop?: Usize;
}

/** Running totals of a context's work since it was created. */
export interface ContextStats {
  /** Embedding calls made (one per `getEmbedding` or `getEmbeddingBatch`). */
  calls: U64;
  /** Texts those calls carried. */
  texts: U64;
  /** Micro-batches run through llama.cpp: concurrent calls share them, so this grows slower than `calls`. */
  batches: U64;
  /** Tokens in those micro-batches, special tokens included. */
  tokens: U64;
}

/** Where an `EmbeddingStream` stands: what a progress bar shows. */
export interface StreamProgress {
  /** Texts pushed. */
  pushed: U64;
  /** Texts whose vectors are computed (their batch is done), taken by `next` or not. */
  embedded: U64;
  /** Texts `next` has handed out. */
  delivered: U64;
  /** Tokens of the embedded texts, special tokens and prompts included. */
  tokens: U64;
  /** Batches pushed and not yet handed out by `next`: what the stream holds in memory. */
  pending: U32;
}

/** Facts about a loaded model. */
export interface ModelInfo {
  /** The file it was loaded from. */
  path: string;
  /** `general.architecture`, e.g. "bert", "nomic-bert", "llama". */
  architecture: string;
  /** `general.name`, when the file has one. */
  name?: string;
  /** Length of every embedding vector. */
  dimension: Usize;
  /** The context the model was trained with, in tokens. */
  contextLength: Usize;
  /** The model's own pooling, absent for plain decoders. */
  nativePooling?: PoolingStrategy;
  /**
   * The length its sentence-transformers config embeds with (`max_seq_length`), when the file
   * records one; longer texts follow the overflow policy at this length unless `nCtx` says more.
   */
  maxSeqLength?: Usize;
  /** Tokens per text a context allows when `nCtx` is 0: `maxSeqLength`, else `contextLength`. */
  defaultLength: Usize;
  /** Pooling a context uses when neither it nor the call says: `nativePooling`, else `Mean`. */
  defaultPooling: PoolingStrategy;
  /** Whether vectors are L2-normalised when neither the context nor the call says. */
  defaultNormalize: boolean;
  /**
   * The prompt of `EmbedRole.Query`: the file's own (sentence-transformers' `prompts`, recorded
   * by `convertModel`), else the documented one of a known family (nomic-embed `search_query: `,
   * e5 `query: `, bge and mxbai English models' retrieval instruction), else absent.
   */
  queryPrompt?: string;
  /** The prompt of `EmbedRole.Document`, found the same way (nomic `search_document: `, e5 `passage: `). */
  documentPrompt?: string;
  /** The prompt used when a call gives neither `role` nor `prompt` (sentence-transformers' `default_prompt_name`). */
  defaultPrompt?: string;

  /**
   * 16 hex digits identifying the weights: a SHA-256 over the file's header (metadata and tensor
   * table) and samples of every tensor's bytes. The model part of `Embedding.space`.
   */
  fingerprint: string;
  /** True for bidirectional encoders (BERT), false for causal decoders. */
  isEncoder: boolean;
  /**
   * True for a cross-encoder (a classification head and rank pooling): it scores query and
   * document pairs with `Context.rank` and computes no embeddings (`MODEL_UNSUPPORTED`).
   */
  isReranker: boolean;
  vocabSize: Usize;
  /** Bytes of weights. */
  sizeBytes: U64;
  parameters: U64;
}

/** Options of `convertModel`. */
export interface ConvertOptions {
  /**
   * Output type.
   * @default ConvertType.F16
   */
  type?: ConvertType;
  /** `general.name` written into the file; default: the folder's name. */
  name?: string;
}

/** What `convertModel` wrote. */
export interface ConvertReport {
  architecture: string;
  tensors: Usize;
  parameters: U64;
  type: ConvertType;
  bytesWritten: U64;
  dimension: U32;
  /** The pooling written into the file, if the folder declares one. */
  pooling?: PoolingStrategy;
  /**
   * True when the folder held a sequence classifier with one label (a cross-encoder): the file
   * is a reranker (`ModelInfo.isReranker`), with its classification head and rank pooling.
   */
  isReranker: boolean;
}

/** A GGUF embedding model loaded in memory, shared by contexts. */
export declare class Model {
  /** Loads a GGUF file. Checks the file first: a missing or corrupt file is a typed error. */
  static load(path: string): Promise<Model>;
  /** Facts about the model. */
  readonly info: ModelInfo;
  /**
   * Tokens a text has, the model's special tokens included: what `Embedding.inputTokens` reports,
   * without running the model. An empty text is an `EMPTY_INPUT` error, as it is to embed.
   */
  countTokens(text: string): Usize;
  /**
   * The token ids the model embeds for a text, special tokens included. With `maxTokens` above 0,
   * a longer text is cut as `OverflowPolicy.TruncateEnd` cuts it (the special tokens stay).
   */
  tokenize(text: string, maxTokens: U32): U32[];
  /**
   * The tokens the model embeds for a text, special tokens included, each with its vocabulary
   * text and the bytes of the text it covers. An empty text is an `EMPTY_INPUT` error.
   * @cli mullama serve: POST /tokenize
   */
  tokenizeWithOffsets(text: string): TokenInfo[];
}

/**
 * Embeds texts with a model. Calls may overlap: they are packed into shared micro-batches.
 * @contextManager
 */
export declare class Context {
  /** Creates a context on a model and starts its workers; absent params take their defaults. */
  constructor(model: Model, params?: ContextParams);
  /**
   * Embeds one text.
   * @cli mullama embed MODEL TEXT
   */
  getEmbedding(text: string, options?: EmbedOptions): Promise<Embedding>;
  /**
   * Embeds many texts at once; results are in input order.
   * @cli mullama embed MODEL --input FILE
   */
  getEmbeddingBatch(texts: string[], options?: EmbedOptions): Promise<Embedding[]>;
  /**
   * A stream for bulk embedding in input order with bounded memory: `push` batches as they are
   * read, `next` takes results back oldest first. Every batch is embedded as a
   * `getEmbeddingBatch` call with `options`, and pushed batches are packed together, so keeping
   * a few pending keeps the engine full.
   * @cli mullama embed MODEL --input FILE
   */
  stream(options?: EmbedOptions): EmbeddingStream;
  /**
   * Every token's vector for each text, unpooled (what ColBERT-style late interaction and
   * text-embeddings-inference's `/embed_all` use). `role`, `prompt`, `overflow`, `maxTokens` and
   * `normalize` (each token's vector scaled to unit length) apply; `pooling`, `dimensions`,
   * `precision` and `ranges` describe one pooled vector and are `INVALID_ARGUMENT` here.
   * @cli mullama serve: POST /embed_all
   */
  getTokenEmbeddings(texts: string[], options?: EmbedOptions): Promise<TokenEmbeddings[]>;
  /**
   * Scores each document's relevance to the query with a reranker (a cross-encoder:
   * `ModelInfo.isReranker`) and returns them most relevant first (ties in input order). Each
   * pair is one sequence, packed into micro-batches like texts. An embedding model is
   * `MODEL_UNSUPPORTED`; an empty query or document is `EMPTY_INPUT`.
   * @cli mullama rerank MODEL QUERY DOCUMENT...
   */
  rank(query: string, documents: string[], options?: RankOptions): Promise<RankResult[]>;
  /**
   * Running totals of the work done: calls, texts, micro-batches and tokens.
   * @infallible
   */
  stats(): ContextStats;
  /**
   * Stops the workers; later calls fail with `CONTEXT_CLOSED`.
   * @infallible
   */
  close(): void;
}

/**
 * Bulk embedding in input order (`Context.stream`). `push` returns at once; the caller bounds
 * memory by taking results with `next` whenever `progress().pending` reaches its window (for
 * example 4 batches of 64 texts), and ends when `pending` is 0.
 */
export declare class EmbeddingStream {
  /**
   * Queues a batch of texts and returns at once. A text that is not valid UTF-8 fails the push;
   * a closed context is `CONTEXT_CLOSED`.
   */
  push(texts: string[]): void;
  /**
   * The oldest pending batch's embeddings, once done; an empty list when nothing is pending. A
   * batch that failed rejects here, naming the failing text by its index in the stream, and the
   * stream goes on with the next batch.
   */
  next(): Promise<Embedding[]>;
  /**
   * Texts pushed, embedded and delivered, tokens, and the batches pending.
   * @infallible
   */
  progress(): StreamProgress;
}

/**
 * Cosine similarity in [-1, 1]; 0 when a vector is all zeros. Two embeddings must share their
 * `space` (`SPACE_MISMATCH`).
 * @cli mullama embed MODEL A B --compare
 */
export declare function cosineSimilarity(a: VectorOrEmbedding, b: VectorOrEmbedding): F32;

/** Dot product. Two embeddings must share their `space` (`SPACE_MISMATCH`). */
export declare function dotProduct(a: VectorOrEmbedding, b: VectorOrEmbedding): F32;

/**
 * Bits that differ between two packed binary vectors (`Precision.Binary` or `Ubinary`): the
 * distance binary retrieval ranks by. Vectors of different byte lengths are `DIMENSION_MISMATCH`;
 * a signed (binary) with an unsigned (ubinary) one is `INVALID_ARGUMENT`.
 */
export declare function hammingDistance(a: QuantizedVector, b: QuantizedVector): U32;

/**
 * The `EmbedOptions.ranges` of a calibration sample: each dimension's minimum, then its
 * maximum, over the vectors (sentence-transformers' `calibration_embeddings`).
 */
export declare function quantizationRanges(vectors: Vector[]): Vector;

/**
 * The vector scaled to unit length; an all-zero vector comes back unchanged.
 * @infallible
 */
export declare function normalize(vector: Vector): Vector;

/**
 * The vector as JSON text: an array of the shortest decimals that read back as the same float32
 * values, so a parsed copy is bit-identical (what `mullama embed` prints and the server sends).
 * Numbers are spelled as JavaScript spells them (`0.25`, `-1.5e-7`); a non-finite value, which no
 * embedding holds, is written `null`. About 3x faster than `JSON.stringify` of the numbers as
 * float64, and 40% shorter.
 * @infallible
 */
export declare function vectorToJson(vector: Vector): string;

/**
 * Converts a Hugging Face BERT-family folder (safetensors) to a GGUF file.
 * @cli mullama convert HF_DIR
 */
export declare function convertModel(source: string, destination: string, options?: ConvertOptions): Promise<ConvertReport>;

/**
 * The folder that holds named models: `$MULLAMA_HOME/models`, else `$XDG_CACHE_HOME/mullama/models`, else `~/.cache/mullama/models`.
 * @infallible
 */
export declare function modelsDir(): string;

/**
 * A GGUF path for a model name or path: the argument itself when it names an existing file or looks like a path (ends in `.gguf` or contains `/`), else `NAME.gguf` in the models folder, with `:` of a tag (`llama3.2:1b`) written as `-`.
 * @infallible
 */
export declare function resolveModelPath(nameOrPath: string): string;
