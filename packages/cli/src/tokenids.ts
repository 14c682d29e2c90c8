/**
 * Token-id input of OpenAI's `/v1/embeddings`. OpenAI clients that count tokens before they send
 * (LangChain's `OpenAIEmbeddings` by default) send each text as tiktoken `cl100k_base` ids, the
 * encoding of OpenAI's embedding models, whatever model the request names. Those ids mean
 * nothing to a GGUF's own tokenizer, so they are decoded back to the text (cl100k_base is a
 * lossless byte-level BPE) and the text is embedded as if it had been sent as a string: the same
 * vector either way. The table comes from the npm package js-tiktoken (bundled; built on first use).
 */
import ranks from 'js-tiktoken/ranks/cl100k_base';
import { HttpError } from './http.js';

let table: Map<number, Uint8Array> | undefined;

/** rank -> bytes. js-tiktoken's data format: one line per run, `! FIRST_RANK TOKEN TOKEN ...`
 * with each token's bytes in base64, ranks counting up from FIRST_RANK. */
function cl100k(): Map<number, Uint8Array> {
  if (table) return table;
  const t = new Map<number, Uint8Array>();
  for (const line of ranks.bpe_ranks.split('\n')) {
    const [, first, ...tokens] = line.split(' ');
    if (first === undefined) continue;
    const base = Number.parseInt(first, 10);
    tokens.forEach((tok, i) => t.set(base + i, Buffer.from(tok, 'base64')));
  }
  for (const [text, rank] of Object.entries(ranks.special_tokens)) t.set(rank, Buffer.from(text, 'utf8'));
  table = t;
  return t;
}

const strict = new TextDecoder('utf-8', { fatal: true });

/** The text of one input's cl100k_base ids; `where` names the input in errors. */
export function decodeTokenIds(ids: number[], where: string): string {
  const t = cl100k();
  const parts: Uint8Array[] = [];
  for (const id of ids) {
    const bytes = Number.isInteger(id) ? t.get(id) : undefined;
    if (!bytes) throw new HttpError('INVALID_ARGUMENT', `${where}: ${id} is not a token id of tiktoken's cl100k_base (0 to ${Math.max(...t.keys())}), the encoding token-id input is read in`);
    parts.push(bytes);
  }
  try {
    return strict.decode(Buffer.concat(parts));
  } catch {
    throw new HttpError('INVALID_UTF8', `${where}: the token ids do not decode to UTF-8 text (a character split between two inputs?)`);
  }
}
