/**
 * Reranking on `mullama serve`, in the two shapes rerank clients speak:
 * - `POST /v1/rerank` (and `POST /rerank` with `documents`): the Jina and Cohere API that
 *   llama-server and LiteLLM use, `{query, documents, top_n?, return_documents?}` ->
 *   `{model, object, usage, results: [{index, relevance_score, document?}]}`; errors in OpenAI's shape.
 * - `POST /rerank` with `texts`: text-embeddings-inference's, `{query, texts, raw_scores?,
 *   return_text?, truncate?, truncation_direction?}` -> `[{index, score, text?}]`; errors in TEI's.
 * Both answer most relevant first, scored by a cross-encoder (`ModelInfo.isReranker`).
 */
import type { OverflowPolicy, RankResult } from 'mullama';
import { HttpError, positiveIntOf, type Route, textsOf } from './http.js';
import type { Loaded, Models } from './models.js';
import type { Metrics } from './ops.js';
import { f32 } from './output.js';
import { optionalBool, teiOverflow } from './tei.js';

export interface RankDeps {
  models: Models;
  maxInputs: number;
  metrics: Metrics;
}

type Overflow = 'error' | 'truncate_end' | 'truncate_start';

/**
 * The reranker a request runs on: the one its `model` names when the server serves that name (an
 * embedding model is MODEL_UNSUPPORTED), else the first reranker loaded, which is the first
 * reranking `--model` (those load at startup, in order). Any other name falls back too: rerank
 * clients (Cohere's, LiteLLM) need some model name, and llama-server ignores it.
 */
async function rerankerFor(body: Record<string, unknown>, models: Models): Promise<{ name: string; loaded: Loaded }> {
  const asked = body.model;
  if (asked !== undefined && asked !== null && typeof asked !== 'string') throw new HttpError('INVALID_ARGUMENT', "'model' must be a string");
  if (asked && models.serves(asked)) {
    const loaded = await models.get(asked);
    if (!loaded.model.info.isReranker) {
      throw new HttpError('MODEL_UNSUPPORTED', `'${asked}' is an embedding model, not a reranker (a cross-encoder); name a reranker, or leave 'model' out for the server's first one`);
    }
    return { name: asked, loaded };
  }
  const first = models.loadedModels().find((l) => l.model.info.isReranker);
  if (first) return { name: first.name, loaded: first };
  const why = asked ? `'${asked}' is not a served model and no reranker is loaded` : 'no reranker is loaded';
  throw new HttpError('MODEL_UNSUPPORTED', `${why}: start the server with a cross-encoder --model (a reranker GGUF, such as 'mullama convert' makes of cross-encoder/ms-marco-MiniLM-L6-v2)`);
}

/** A `query` field, which both shapes need (an empty one is the core's EMPTY_INPUT). */
function queryOf(body: Record<string, unknown>): string {
  const q = body.query;
  if (q === undefined || q === null) throw new HttpError('INVALID_ARGUMENT', "missing 'query'");
  if (typeof q !== 'string') throw new HttpError('INVALID_ARGUMENT', "'query' must be a string");
  return q;
}

/** Jina's and Cohere's `documents`: strings, or `{text}` objects (Cohere's older form, Jina's). */
function documentsOf(v: unknown, maxInputs: number): string[] {
  if (!Array.isArray(v)) throw new HttpError('INVALID_ARGUMENT', "'documents' must be an array of strings or of {\"text\": ...} objects");
  if (!v.length) throw new HttpError('EMPTY_INPUT', "'documents' is an empty array");
  if (v.length > maxInputs) throw new HttpError('TOO_MANY_INPUTS', `'documents' has ${v.length} items; at most ${maxInputs} per request`);
  return v.map((d, i) => {
    if (typeof d === 'string') return d;
    const text = (d as { text?: unknown } | null)?.text;
    if (typeof d === 'object' && !Array.isArray(d) && typeof text === 'string') return text;
    throw new HttpError('INVALID_ARGUMENT', `'documents[${i}]' must be a string or an object with a string 'text'`);
  });
}

/** Which API a `/rerank` body is in: Jina's and Cohere's name their list `documents`, TEI `texts`. */
const isJina = (body: Record<string, unknown>) => body.documents !== undefined;

export function rankRoutes({ models, maxInputs, metrics }: RankDeps): Record<string, Route> {
  /** One core call; counted in /metrics as embedding requests are (documents as texts). */
  const rank = async (body: Record<string, unknown>, query: string, documents: string[], overflow: Overflow) => {
    const { name, loaded } = await rerankerFor(body, models);
    const results: RankResult[] = await loaded.ctx.rank(query, documents, { overflow: overflow as OverflowPolicy });
    // Every pair's tokens: the usage of the whole request, whatever top_n keeps.
    const tokens = results.reduce((a, r) => a + r.tokens, 0);
    metrics.embedded(name, documents.length, tokens);
    return { name, results, tokens };
  };

  const jina: Route['run'] = async (body, _req, res) => {
    const query = queryOf(body);
    const documents = documentsOf(body.documents, maxInputs);
    const topN = positiveIntOf(body, 'top_n');
    const withDocs = optionalBool(body, 'return_documents', false);
    // Cohere and Jina cut a document too long to fit beside the query rather than fail the request.
    const { name, results, tokens } = await rank(body, query, documents, 'truncate_end');
    const rows = results.slice(0, topN).map((r) => {
      const doc = withDocs ? `,"document":${JSON.stringify({ text: documents[r.index] })}` : '';
      return `{"index":${r.index},"relevance_score":${f32(r.score)}${doc}}`;
    });
    // Cohere's answers carry an id: the request's, as in x-request-id.
    const id = JSON.stringify(String(res.getHeader('x-request-id') ?? ''));
    return `{"id":${id},"model":${JSON.stringify(name)},"object":"list","usage":{"prompt_tokens":${tokens},"total_tokens":${tokens}},"results":[${rows.join(',')}]}`;
  };

  const tei: Route['run'] = async (body) => {
    if (body.texts === undefined) throw new HttpError('INVALID_ARGUMENT', "missing 'texts' (text-embeddings-inference's API) or 'documents' (Jina's and Cohere's)");
    const query = queryOf(body);
    const texts = textsOf(body.texts, 'texts', maxInputs);
    const raw = optionalBool(body, 'raw_scores', false);
    const withText = optionalBool(body, 'return_text', false);
    const { results } = await rank(body, query, texts, teiOverflow(body));
    const rows = results.map((r) => `{"index":${r.index},"score":${f32(raw ? r.logit : r.score)}${withText ? `,"text":${JSON.stringify(texts[r.index])}` : ''}}`);
    return `[${rows.join(',')}]`;
  };

  return {
    '/v1/rerank': { method: 'POST', embeds: true, run: jina },
    '/rerank': {
      method: 'POST',
      embeds: true,
      errorShape: (body) => (isJina(body) ? 'openai' : 'tei'),
      run: async (body, req, res) => {
        if (isJina(body) && body.texts !== undefined) throw new HttpError('INVALID_ARGUMENT', "give 'documents' (Jina's and Cohere's API) or 'texts' (text-embeddings-inference's), not both");
        return isJina(body) ? jina(body, req, res) : tei(body, req, res);
      },
    },
  };
}
