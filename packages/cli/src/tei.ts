/**
 * Hugging Face text-embeddings-inference's API, as its clients (huggingface_hub's
 * `InferenceClient.feature_extraction`, LangChain's `HuggingFaceEndpointEmbeddings`) use it:
 * `POST /embed` (and `POST /`, TEI's alias for it) and `GET /info`. TEI serves one model: these
 * routes embed with the server's default model (the first `--model`, else all-minilm). Errors
 * are TEI's `{"error": "text", "error_type": "Validation"}`, with the IDL's status for the code.
 * TEI's `POST /rerank` is in rankroutes.ts, `POST /tokenize` and `POST /embed_all` in teitokens.ts.
 */
import { HttpError, positiveIntOf, type Route, textsOf } from './http.js';
import type { EmbedFn, Models } from './models.js';
import { vectorJson } from './output.js';
import { VERSION } from './version.js';

export interface TeiDeps {
  models: Models;
  maxInputs: number;
  maxTokens: number;
  embed: EmbedFn;
}

export const optionalBool = (body: Record<string, unknown>, field: string, dflt: boolean): boolean => {
  const v = body[field];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') throw new HttpError('INVALID_ARGUMENT', `'${field}' must be true or false`);
  return v;
};

/** TEI's `truncate` and `truncation_direction` as an overflow policy: TEI refuses a long input
 * unless `truncate` is true, then cuts its end (`Right`) or its start (`Left`). */
export function teiOverflow(body: Record<string, unknown>): 'error' | 'truncate_end' | 'truncate_start' {
  const truncate = optionalBool(body, 'truncate', false);
  // TEI's docs spell it Right/Left; huggingface_hub sends right/left.
  const direction = typeof body.truncation_direction === 'string' ? body.truncation_direction.toLowerCase() : (body.truncation_direction ?? 'right');
  if (direction !== 'right' && direction !== 'left') throw new HttpError('INVALID_ARGUMENT', "'truncation_direction' must be 'Right' or 'Left'");
  return truncate ? (direction === 'left' ? 'truncate_start' : 'truncate_end') : 'error';
}

/** TEI's `prompt_name` as a role: its prompt names are sentence-transformers' (`query`,
 * `document`), which are our roles. Absent: the model's default prompt, as TEI's
 * `default_prompt_name`. */
export function teiRole(body: Record<string, unknown>): 'query' | 'document' | 'passage' | undefined {
  const name = body.prompt_name;
  if (name === undefined || name === null) return undefined;
  if (name !== 'query' && name !== 'document' && name !== 'passage') {
    throw new HttpError('INVALID_ARGUMENT', `'prompt_name' ${JSON.stringify(name)} is not one of this model's prompts: query, document`);
  }
  return name;
}

/** The paths whose errors are in TEI's shape (`/rerank`'s unless its body has `documents`). */
export const TEI_PATHS = new Set(['/embed', '/embed_all', '/tokenize', '/info', '/', '/rerank']);

export function teiRoutes({ models, maxInputs, maxTokens, embed }: TeiDeps): Record<string, Route> {
  const embedRoute: Route = {
    method: 'POST',
    embeds: true,
    run: async (body) => {
      const texts = textsOf(body.inputs, 'inputs', maxInputs);
      const normalize = optionalBool(body, 'normalize', true);
      const overflow = teiOverflow(body);
      const { embs } = await embed(models.defaultName(), texts, {
        overflow,
        normalize,
        dimensions: positiveIntOf(body, 'dimensions'),
        role: teiRole(body),
      });
      return `[${embs.map((e) => vectorJson(e.data)).join(',')}]`;
    },
  };
  return {
    '/embed': embedRoute,
    '/info': {
      method: 'GET',
      run: async () => {
        const name = models.defaultName();
        const { model } = await models.get(name);
        const info = model.info;
        // A cross-encoder is TEI's `reranker` type: one output, which TEI labels LABEL_0.
        const modelType = info.isReranker ? { reranker: { id2label: { 0: 'LABEL_0' }, label2id: { LABEL_0: 0 } } } : { embedding: { pooling: info.defaultPooling } };
        return JSON.stringify({
          model_id: name,
          model_sha: null,
          model_dtype: 'float16',
          model_type: modelType,
          max_concurrent_requests: 512,
          max_input_length: info.defaultLength,
          max_batch_tokens: maxTokens,
          max_batch_requests: null,
          max_client_batch_size: maxInputs,
          auto_truncate: false,
          tokenization_workers: 1,
          version: VERSION,
          sha: null,
          docker_label: null,
          // Ours, beside TEI's fields: what the vectors are comparable with (a reranker has none).
          ...(info.isReranker ? {} : { dimension: info.dimension }),
          fingerprint: info.fingerprint,
          ...(info.isReranker ? {} : { prompts: { query: info.queryPrompt ?? null, document: info.documentPrompt ?? null } }),
        });
      },
    },
    '/': embedRoute,
  };
}
