/** `mullama rerank MODEL QUERY DOCUMENT...`: documents scored against a query by a cross-encoder. */
import { parseArgs } from 'node:util';
import type { OverflowPolicy, RankResult } from 'mullama';
import { CliError, errorCode, usage } from './errors.js';
import { idlChoice, intOption, type Item, readItems, refuseNonUtf8Args } from './embed.js';
import { OverflowPolicy_VALUES, parseOverflowPolicy } from './generated/idl.js';
import { loadMullama } from './lib.js';
import { f32, out } from './output.js';
import { requireModel } from './store.js';

export const RERANK_HELP = `Usage: mullama rerank MODEL QUERY [DOCUMENT...] [options]

Scores how relevant each DOCUMENT is to QUERY with MODEL, a reranker (a cross-encoder GGUF, e.g.
cross-encoder/ms-marco-MiniLM-L6-v2 made one by 'mullama convert'; a file path or a store name),
and prints one line per document, most relevant first: score, index and document, tab-separated.
The score is in (0, 1): the sigmoid of the model's output, what sentence-transformers'
CrossEncoder reports. The index is the document's position among those given, from 0. An
embedding model is MODEL_UNSUPPORTED (exit 5).

Options:
  --input FILE                           the documents, one per line, or JSONL ({"text": ...});
                                         '-' = stdin (as is a single DOCUMENT '-')
  --top-n N                              only the N most relevant documents
  --json                                 one JSON object: {model, results: [{index, score,
                                         logit, tokens, truncated}], usage: {tokens}}; logit is
                                         the model's raw output (llama-server's relevance_score)
  --return-documents                     with --json: each result's "document" text too (the
                                         plain output always shows them)
  --overflow ${OverflowPolicy_VALUES.join('|')}   a query and document longer together than
                                         the context (default error); the truncating policies
                                         cut the document, never the query
  --n-ctx N                              most tokens per query and document pair (default: the
                                         model's length, at most its context)
  --threads N                            CPU threads (default: all cores)
`;

export async function rerankCommand(argv: string[]): Promise<void> {
  const { values, positionals, tokens } = parseArgs({
    args: argv,
    allowPositionals: true,
    tokens: true,
    options: {
      input: { type: 'string', short: 'i' },
      'top-n': { type: 'string' },
      json: { type: 'boolean' },
      'return-documents': { type: 'boolean' },
      overflow: { type: 'string' },
      'n-ctx': { type: 'string' },
      threads: { type: 'string' },
    },
  });
  const overflow = idlChoice('overflow', values.overflow, parseOverflowPolicy, OverflowPolicy_VALUES) as OverflowPolicy | undefined;
  const topN = intOption('top-n', values['top-n'], 1);
  const nCtx = intOption('n-ctx', values['n-ctx']);
  const nThreads = intOption('threads', values.threads);
  const [modelArg, query, ...docArgs] = positionals;
  if (!modelArg) throw usage(`rerank needs a MODEL (a reranker's file path or store name); see 'mullama rerank --help'`);
  if (query === undefined) throw usage('rerank needs a QUERY and the DOCUMENTs to score against it');
  let input = values.input;
  let docs = docArgs;
  if (docs.length === 1 && docs[0] === '-' && input === undefined) {
    input = '-';
    docs = [];
  }
  if (input !== undefined && docs.length) throw usage('give documents as arguments or with --input, not both');
  if (input === undefined && !docs.length) throw usage(`rerank needs at least one DOCUMENT (or --input FILE, or '-' for stdin)`);
  // The query and documents are text the model reads: their bytes must be UTF-8, as embed's texts.
  const textArgs = tokens.filter((t) => t.kind === 'positional').slice(1);
  refuseNonUtf8Args(argv, textArgs.map((t, k) => ({ index: t.index, what: k === 0 ? 'the query' : `document ${k}` })));

  const path = requireModel(modelArg);
  const items: Item[] = [];
  if (input === undefined) docs.forEach((text, i) => items.push({ index: i, text, where: `document ${i + 1}` }));
  else for await (const it of readItems(input)) items.push(it);

  const { Model, Context } = await loadMullama();
  const model = await Model.load(path);
  // Said here, in the command's words: the core's message names the file, not what to do instead.
  if (!model.info.isReranker) {
    throw new CliError('MODEL_UNSUPPORTED', `${modelArg} is an embedding model, not a reranker (a cross-encoder with a classification head): 'mullama rerank' needs one (e.g. cross-encoder/ms-marco-MiniLM-L6-v2 through 'mullama convert'); for vectors use 'mullama embed'`);
  }
  const ctx = new Context(model, { embeddings: true, nCtx, nThreads, overflow });
  let results: RankResult[];
  try {
    // Every document is scored, so that usage counts them all; --top-n keeps the first N after.
    results = items.length ? await ctx.rank(query, items.map((i) => i.text)) : [];
  } catch (e) {
    throw named(e, items);
  } finally {
    ctx.close();
  }
  const tokenCount = results.reduce((a, r) => a + r.tokens, 0);
  const shown = topN === undefined ? results : results.slice(0, topN);
  if (values.json) {
    const rows = shown.map((r) => {
      const doc = values['return-documents'] ? `,"document":${JSON.stringify(items[r.index].text)}` : '';
      return `{"index":${r.index},"score":${f32(r.score)},"logit":${f32(r.logit)}${doc},"tokens":${r.tokens},"truncated":${r.truncated}}`;
    });
    await out(`{"model":${JSON.stringify(modelArg)},"results":[${rows.join(',')}],"usage":{"tokens":${tokenCount}}}\n`);
    return;
  }
  // One line per result: tabs and line breaks inside a document would split it (--json keeps them).
  for (const r of shown) await out(`${r.score.toFixed(4)}\t${r.index}\t${items[r.index].text.replace(/[\t\r\n]+/g, ' ')}\n`);
}

/** The core names a failing document by its position (`text 3: ...`); the command names it as
 * the user gave it (`document 4`, or `line 12` of --input). */
function named(e: unknown, items: Item[]): unknown {
  const code = errorCode(e);
  if (!code || !(e instanceof Error)) return e;
  const m = /^text (\d+): /.exec(e.message);
  const it = m ? items[Number(m[1])] : undefined;
  return new CliError(code, it ? `${it.where}: ${e.message.slice(m![0].length)}` : e.message);
}
