/** `mullama embed MODEL TEXT...`: vectors for texts given as arguments, in a file or on stdin. */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { Context as ContextT, Embedding, EmbedOptions, EmbedRole, OverflowPolicy, PoolingStrategy, Precision } from 'mullama';
import { CliError, errorCode, usage } from './errors.js';
import { out, vectorJson, f32 } from './output.js';
import { Progress } from './progress.js';
import { requireModel } from './store.js';
import { loadMullama } from './lib.js';
import { EmbedRole_VALUES, OverflowPolicy_VALUES, parseEmbedRole, parseOverflowPolicy, parsePoolingStrategy, parsePrecision, PoolingStrategy_VALUES, Precision_VALUES } from './generated/idl.js';

export const EMBED_HELP = `Usage: mullama embed MODEL [TEXT...] [options]

Embeds texts with MODEL (a GGUF file path or a store name such as all-minilm or llama3.2:1b).

Options:
  --pooling ${PoolingStrategy_VALUES.join('|')}   how token vectors become one vector
                                         (default: the model's own, else mean)
  --normalize, --no-normalize            L2-normalise the vectors, or not (default: what the
                                         model's sentence-transformers config says, else not)
  --role ${EmbedRole_VALUES.join('|')}                  embed the texts as search queries or as documents: the
                                         model's prompt for the role goes before each text
                                         (nomic-embed, e5, bge...; 'mullama show' prints them)
  --prompt TEXT                          a prompt of your own before each text ('' for none)
  --dimensions N                         keep the first N values of each vector (Matryoshka
                                         models), re-normalised when normalising
  --precision ${Precision_VALUES.join('|')}
                                         print the vectors quantized (sentence-transformers'
                                         semantics; binary: packed sign bits, 8 per byte)
  --ranges FILE                          int8/uint8 calibration: a JSON array, every dimension's
                                         minimum then maximum (needed with --input)
  --emit-ranges                          print the calibration ranges of the texts (a sample of
                                         your corpus) as a JSON array, for --ranges
  --compare                              with two texts: print their cosine similarity
  --format text|json|ndjson              output (default text: dimension + vector)
  --input FILE                           one text per line, or JSONL ({"text": ...}); '-' = stdin
  --overflow ${OverflowPolicy_VALUES.join('|')}   texts longer than the context (default error)
  --n-ctx N                              most tokens per text (default: the model's length,
                                         e.g. 256 for all-minilm, at most its context)
  --threads N                            CPU threads (default: all cores)
  --batch N                              texts per call for bulk input (default 64)
`;

const FORMATS = ['text', 'json', 'ndjson'];

/** `,"prompt":...` when a prompt went before the text (JSON output), else nothing. */
const promptJson = (e: Embedding) => (e.prompt ? `,"prompt":${JSON.stringify(e.prompt)}` : '');

/** The JSON fields after the counts: prompt, space, and the vector (quantized when asked). */
function vectorFields(e: Embedding, opts: EmbedOptions): string {
  const q = e.quantized;
  const precision = q ? `,"precision":${JSON.stringify(opts.precision)}` : '';
  return `${promptJson(e)},"space":${JSON.stringify(e.space)}${precision},"embedding":${q ? `[${Array.from(q).join(',')}]` : vectorJson(e.data)}`;
}

export function intOption(name: string, v: string | undefined, min = 0): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw usage(`--${name} takes an integer >= ${min}, got '${v}'`);
  return Number(v);
}

/** An option that takes one of `allowed`, exactly as written. */
export function choice(name: string, v: string | undefined, allowed: string[]): string | undefined {
  return idlChoice(name, v, (s) => (allowed.includes(s) ? s : undefined), allowed);
}

/** An IDL enum option, parsed as the core parses it (its aliases too: `cls`, `truncate`). */
export function idlChoice<T extends string>(name: string, v: string | undefined, parse: (s: string) => T | undefined, values: readonly string[]): T | undefined {
  if (v === undefined) return undefined;
  const parsed = parse(v);
  if (parsed === undefined) throw usage(`--${name} must be one of ${values.join('|')}, got '${v}'`);
  return parsed;
}

export interface Item {
  index: number;
  text: string;
  where: string;
  id?: unknown;
  /** Bytes of the input this text came from, blank lines before it included (progress). */
  bytes?: number;
}

/** The stream's text, refusing bytes that are not UTF-8 (readline alone would turn them into U+FFFD). */
async function* strictUtf8(stream: AsyncIterable<Buffer | string>, source: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  const bad = () => new CliError('INVALID_UTF8', `${source === '-' ? 'stdin' : source}: not valid UTF-8 (in the bytes after offset ${offset})`);
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let text: string;
    try {
      text = decoder.decode(bytes, { stream: true });
    } catch {
      throw bad();
    }
    offset += bytes.length;
    if (text) yield text;
  }
  try {
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch {
    throw bad();
  }
}

/** Records from a file or stdin: plain lines, or JSONL when the first non-blank line starts with '{'. */
export async function* readItems(source: string): AsyncGenerator<Item> {
  const stream = source === '-' ? process.stdin : createReadStream(source);
  const errored = new Promise<never>((_, rej) => stream.on('error', rej));
  errored.catch(() => {});
  const rl = createInterface({ input: Readable.from(strictUtf8(stream, source)), crlfDelay: Infinity });
  let jsonl: boolean | undefined;
  let lineNo = 0;
  let index = 0;
  let carry = 0;
  try {
    for await (const line of rl) {
      lineNo++;
      // Bytes read for this line (its newline counted as one; a CRLF's CR is in the line).
      carry += Buffer.byteLength(line) + 1;
      if (!line.trim()) continue;
      const bytes = carry;
      carry = 0;
      if (jsonl === undefined) jsonl = line.trimStart().startsWith('{');
      const where = `line ${lineNo}`;
      if (!jsonl) {
        yield { index: index++, text: line, where, bytes };
        continue;
      }
      let rec: unknown;
      try {
        rec = JSON.parse(line);
      } catch (e) {
        throw new CliError('INVALID_ARGUMENT', `${where}: not valid JSON (${(e as Error).message})`);
      }
      const text = (rec as { text?: unknown } | null)?.text;
      if (typeof text !== 'string') throw new CliError('INVALID_ARGUMENT', `${where}: a JSONL record needs a string "text" field`);
      yield { index: index++, text, where, id: (rec as { id?: unknown }).id, bytes };
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new CliError('IO', `cannot read ${source}: no such file`);
    if (err.code && err.code.startsWith('E') && !(e instanceof CliError)) throw new CliError('IO', `cannot read ${source}: ${err.message}`);
    throw e;
  }
}

/**
 * Arguments are bytes on POSIX, and Node decodes them with U+FFFD for each sequence that is not
 * UTF-8, so `mullama embed m $'caf\xe9'` would embed "caf\uFFFD" without a word. Where the bytes
 * can be read back (Linux: /proc/self/cmdline), an argument among `checked` (indexes into `argv`,
 * the command's own arguments, which end process.argv) that was not UTF-8 is INVALID_UTF8, as
 * bad bytes on stdin or in a file are. Only arguments that hold U+FFFD can be affected, so other
 * calls read nothing. Elsewhere (no /proc) the arguments stay as Node decoded them.
 */
export function refuseNonUtf8Args(argv: string[], checked: { index: number; what: string }[]): void {
  const suspects = checked.filter((c) => argv[c.index]?.includes('\uFFFD'));
  if (!suspects.length) return;
  let raw: Buffer[];
  try {
    const cmdline = readFileSync('/proc/self/cmdline');
    raw = [];
    for (let at = 0; at < cmdline.length; ) {
      const end = cmdline.indexOf(0, at);
      raw.push(cmdline.subarray(at, end < 0 ? cmdline.length : end));
      at = end < 0 ? cmdline.length : end + 1;
    }
  } catch {
    return;
  }
  // The command's arguments are the last entries of both lists; trust the pairing only if every
  // pair decodes alike (it would not if something rewrote the command line, e.g. process.title).
  if (raw.length < argv.length) return;
  const mine = raw.slice(raw.length - argv.length);
  if (mine.some((b, i) => b.toString('utf8') !== argv[i])) return;
  const strict = new TextDecoder('utf-8', { fatal: true });
  for (const { index, what } of suspects) {
    try {
      strict.decode(mine[index]);
    } catch {
      throw new CliError('INVALID_UTF8', `${what}: the argument is not valid UTF-8`);
    }
  }
}

/** `--ranges FILE`: a JSON array of numbers (every dimension's minimum, then its maximum). */
function readRanges(file: string): Float32Array {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code) throw new CliError('IO', `cannot read --ranges ${file}: ${err.message}`);
    throw usage(`--ranges ${file} is not JSON: ${err.message}`);
  }
  if (!Array.isArray(v) || !v.length || !v.every((x) => typeof x === 'number')) throw usage(`--ranges ${file} must hold a JSON array of numbers (what --emit-ranges prints)`);
  return Float32Array.from(v);
}

/** `--emit-ranges`: embeds every text (floats) and prints each dimension's minimum, then maximum. */
async function emitRanges(ctx: ContextT, opts: EmbedOptions, items: AsyncIterable<Item>, batch: number): Promise<void> {
  const { quantizationRanges } = await loadMullama();
  const vectors: Float32Array[] = [];
  let pending: Item[] = [];
  const flush = async () => {
    for (const e of await embedBatch(ctx, pending, opts)) vectors.push(e.data);
    pending = [];
  };
  for await (const it of items) {
    pending.push(it);
    if (pending.length >= batch) await flush();
  }
  if (pending.length) await flush();
  try {
    await out(vectorJson(quantizationRanges(vectors)) + '\n');
  } catch (e) {
    throw new CliError(errorCode(e) ?? 'ERROR', (e as Error).message);
  }
}

async function* arrayItems(texts: string[]): AsyncGenerator<Item> {
  for (let i = 0; i < texts.length; i++) yield { index: i, text: texts[i], where: `text ${i + 1}` };
}

/** Embeds a batch; on failure finds the first failing text to name it in the message. */
async function embedBatch(ctx: ContextT, items: Item[], opts: EmbedOptions): Promise<Embedding[]> {
  try {
    return await ctx.getEmbeddingBatch(items.map((i) => i.text), opts);
  } catch (e) {
    throw await nameFailure(ctx, items, opts, e);
  }
}

/** The error of a failed batch as a CliError naming its first failing text (`line 12: ...`). */
async function nameFailure(ctx: ContextT, items: Item[], opts: EmbedOptions, e: unknown): Promise<CliError> {
  if (items.length > 1) {
    for (const it of items) {
      try {
        await ctx.getEmbedding(it.text, opts);
      } catch (e2) {
        return new CliError(errorCode(e2) ?? 'ERROR', `${it.where}: ${(e2 as Error).message}`);
      }
    }
  }
  const message = (e as Error).message.replace(/^the batch of texts \d+ to \d+: (text \d+: )?/, '');
  return new CliError(errorCode(e) ?? 'ERROR', items.length === 1 ? `${items[0].where}: ${message}` : message);
}

function record(model: string, it: Item, e: Embedding, opts: EmbedOptions, withText: boolean): string {
  let s = `{"index":${it.index}`;
  if (it.id !== undefined) s += `,"id":${JSON.stringify(it.id)}`;
  if (withText) s += `,"text":${JSON.stringify(it.text)}`;
  s += `,"model":${JSON.stringify(model)},"dimension":${e.dimension},"tokens":${e.tokens},"input_tokens":${e.inputTokens},"truncated":${e.truncated}${vectorFields(e, opts)}}`;
  return s;
}

export async function embedCommand(argv: string[]): Promise<void> {
  const { values, positionals, tokens } = parseArgs({
    args: argv,
    allowPositionals: true,
    tokens: true,
    options: {
      pooling: { type: 'string' },
      role: { type: 'string' },
      prompt: { type: 'string' },
      dimensions: { type: 'string' },
      precision: { type: 'string' },
      ranges: { type: 'string' },
      'emit-ranges': { type: 'boolean' },
      normalize: { type: 'boolean' },
      'no-normalize': { type: 'boolean' },
      compare: { type: 'boolean' },
      format: { type: 'string' },
      input: { type: 'string', short: 'i' },
      overflow: { type: 'string' },
      'n-ctx': { type: 'string' },
      threads: { type: 'string' },
      batch: { type: 'string' },
    },
  });
  const pooling = idlChoice('pooling', values.pooling, parsePoolingStrategy, PoolingStrategy_VALUES) as PoolingStrategy | undefined;
  const role = idlChoice('role', values.role, parseEmbedRole, EmbedRole_VALUES) as EmbedRole | undefined;
  const overflow = idlChoice('overflow', values.overflow, parseOverflowPolicy, OverflowPolicy_VALUES) as OverflowPolicy | undefined;
  const format = choice('format', values.format, FORMATS) ?? 'text';
  const nCtx = intOption('n-ctx', values['n-ctx']);
  const nThreads = intOption('threads', values.threads);
  const batch = intOption('batch', values.batch, 1) ?? 64;
  const dimensions = intOption('dimensions', values.dimensions, 1);
  const precision = idlChoice('precision', values.precision, parsePrecision, Precision_VALUES) as Precision | undefined;
  const ranges = values.ranges === undefined ? undefined : readRanges(values.ranges);
  const [modelArg, ...rest] = positionals;
  if (!modelArg) throw usage(`embed needs a MODEL (a file path or a store name); see 'mullama embed --help'`);
  let texts = rest;
  let input = values.input;
  if (texts.length === 1 && texts[0] === '-' && input === undefined) {
    input = '-';
    texts = [];
  }
  if (input !== undefined && texts.length) throw usage('give texts as arguments or with --input, not both');
  if (input === undefined && !texts.length) throw usage(`embed needs at least one TEXT (or --input FILE, or '-' for stdin)`);
  if (values.compare && (input !== undefined || texts.length !== 2)) throw usage('--compare takes exactly two texts');
  if (values['emit-ranges'] && (values.compare || precision)) throw usage('--emit-ranges prints float calibration ranges: give it without --compare or --precision');
  // Each bulk batch is its own call: calibrated on itself, the batches would not be comparable.
  if ((precision === 'int8' || precision === 'uint8') && input !== undefined && !ranges) {
    throw usage(`--precision ${precision} with --input needs --ranges FILE (make one with --emit-ranges over a sample of your texts)`);
  }
  // The texts (positionals after MODEL) and --prompt: text the model reads, so bytes must be UTF-8.
  const textArgs = tokens.filter((t) => t.kind === 'positional').slice(1);
  refuseNonUtf8Args(argv, [
    ...textArgs.map((t, k) => ({ index: t.index, what: `text ${k + 1}` })),
    ...tokens.filter((t) => t.kind === 'option' && t.name === 'prompt').map((t) => ({ index: t.index + (t.inlineValue ? 0 : 1), what: '--prompt' })),
  ]);

  const path = requireModel(modelArg);
  const { Model, Context, cosineSimilarity } = await loadMullama();
  const model = await Model.load(path);
  const ctx = new Context(model, { embeddings: true, nCtx, nThreads, overflow });
  if (values.normalize && values['no-normalize']) throw usage('give --normalize or --no-normalize, not both');
  const normalize = values.normalize ? true : values['no-normalize'] ? false : undefined;
  const opts: EmbedOptions = { pooling, normalize, role, prompt: values.prompt, dimensions, precision, ranges };
  try {
    if (values['emit-ranges']) {
      await emitRanges(ctx, opts, input === undefined ? arrayItems(texts) : readItems(input), batch);
      return;
    }
    if (values.compare) {
      const items = [...texts.entries()].map(([i, text]) => ({ index: i, text, where: `text ${i + 1}` }));
      const [a, b] = await embedBatch(ctx, items, opts);
      const sim = cosineSimilarity(a, b);
      if (format === 'text') await out(`${sim.toFixed(6)}\n`);
      else await out(`{"model":${JSON.stringify(modelArg)},"similarity":${f32(sim)}}\n`);
      return;
    }
    await stream(ctx, opts, modelArg, input, texts, format, batch);
  } finally {
    ctx.close();
  }
}

/**
 * Embeds the texts and writes their vectors in input order. Bulk input goes through the core's
 * EmbeddingStream: batches are pushed as they are read and up to `window` of them are pending
 * at once (the core packs them into shared decodes, so the engine never waits for the reader),
 * which bounds memory at `window` batches whatever the input's size.
 */
async function stream(ctx: ContextT, opts: EmbedOptions, model: string, input: string | undefined, texts: string[], format: string, batch: number): Promise<void> {
  let size: number | undefined;
  if (input !== undefined && input !== '-') {
    try {
      size = statSync(input).size;
    } catch {
      throw new CliError('IO', `cannot read ${input}: no such file`);
    }
  }
  const progress = new Progress('embedding');
  const items = input === undefined ? arrayItems(texts) : readItems(input);
  const single = input === undefined && texts.length === 1;
  const bulk = input !== undefined;
  const window = 4;
  const s = ctx.stream(opts);
  const pushed: Item[][] = []; // the items of each pending batch, oldest first
  let written = 0;
  let writtenBytes = 0;
  let jsonOpen = false;
  const fraction = () => (size ? writtenBytes / size : input === undefined ? written / texts.length : undefined);

  const write = async (its: Item[], embs: Embedding[]) => {
    for (let k = 0; k < its.length; k++) {
      const it = its[k];
      const e = embs[k];
      if (format === 'ndjson') await out(record(model, it, e, opts, false) + '\n');
      else if (format === 'json') {
        if (single) await out(`{"model":${JSON.stringify(model)},"dimension":${e.dimension},"tokens":${e.tokens},"input_tokens":${e.inputTokens},"truncated":${e.truncated}${vectorFields(e, opts)}}\n`);
        else {
          await out((jsonOpen ? ',\n' : `{"model":${JSON.stringify(model)},"data":[\n`) + record(model, it, e, opts, false));
          jsonOpen = true;
        }
      } else {
        const values = e.quantized ? `[${Array.from(e.quantized).join(',')}]` : vectorJson(e.data);
        await out(`Dimension: ${e.dimension}\n${values.replaceAll(',', ', ')}\n`);
      }
      written++;
      writtenBytes += it.bytes ?? 0;
    }
    progress.texts(written, Number(s.progress().tokens), fraction());
  };
  const takeOldest = async () => {
    const its = pushed.shift()!;
    let embs: Embedding[];
    try {
      embs = await s.next();
    } catch (e) {
      throw await nameFailure(ctx, its, opts, e);
    }
    await write(its, embs);
  };

  let pending: Item[] = [];
  const push = () => {
    s.push(pending.map((i) => i.text));
    pushed.push(pending);
    pending = [];
  };
  for await (const it of items) {
    pending.push(it);
    if (pending.length >= (bulk ? batch : Infinity)) {
      push();
      while (s.progress().pending >= window) await takeOldest();
    }
  }
  if (pending.length) push();
  while (pushed.length) await takeOldest();
  if (format === 'json' && !single) await out(jsonOpen ? '\n]}\n' : `{"model":${JSON.stringify(model)},"data":[]}\n`);
  progress.textsDone(written, Number(s.progress().tokens), written ? 1 : fraction());
}
