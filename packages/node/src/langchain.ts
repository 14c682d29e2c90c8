/**
 * LangChain.js's `Embeddings` over the in-process library (no server), as `mullama/langchain`;
 * needs `@langchain/core` (an optional peer dependency).
 *
 * ```js
 * import { MullamaEmbeddings } from 'mullama/langchain';
 * const embeddings = await MullamaEmbeddings.load('all-minilm');
 * const vectors = await embeddings.embedDocuments(['first document', 'second document']);
 * const query = await embeddings.embedQuery('what is in the documents?');
 * ```
 *
 * `embedDocuments` embeds with the document role and `embedQuery` with the query role, so a model
 * with query and document prompts (e5, nomic-embed, bge) gets each.
 */
import { Embeddings, type EmbeddingsParams } from '@langchain/core/embeddings';
import { Context, EmbedRole, Model, resolveModelPath, type ContextParams, type EmbedOptions } from './index.js';

/** Options of every call (`role` and `prompt` are set per method), and LangChain's own
 * (`maxConcurrency`, `maxRetries`, ...). */
export type MullamaEmbeddingsParams = Omit<EmbedOptions, 'role' | 'prompt'> & EmbeddingsParams;

export class MullamaEmbeddings extends Embeddings {
  readonly context: Context;
  readonly options: Omit<EmbedOptions, 'role' | 'prompt'>;

  /** Over a context you made (and close); see `load` for one from a model name or path. */
  constructor(context: Context, params: MullamaEmbeddingsParams = {}) {
    const { maxConcurrency, maxRetries, onFailedAttempt, ...options } = params as MullamaEmbeddingsParams & Record<string, unknown>;
    super({ maxConcurrency, maxRetries, onFailedAttempt } as EmbeddingsParams);
    if ('role' in options || 'prompt' in options) throw new TypeError('MullamaEmbeddings sets the role per method: embedDocuments embeds documents, embedQuery queries');
    this.context = context;
    this.options = options;
  }

  /** Loads a model (a store name such as `all-minilm`, or a GGUF path) into a context of its own. */
  static async load(model: string, params: MullamaEmbeddingsParams = {}, contextParams: ContextParams = { embeddings: true }): Promise<MullamaEmbeddings> {
    const loaded = await Model.load(resolveModelPath(model));
    return new MullamaEmbeddings(new Context(loaded, contextParams), params);
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    if (!documents.length) return [];
    const out = await this.caller.call(() => this.context.getEmbeddingBatch(documents, { ...this.options, role: EmbedRole.Document }));
    return out.map((e) => Array.from(e.data));
  }

  async embedQuery(document: string): Promise<number[]> {
    const e = await this.caller.call(() => this.context.getEmbedding(document, { ...this.options, role: EmbedRole.Query }));
    return Array.from(e.data);
  }
}
