/**
 * text-embeddings-inference's token-level routes, on the server's default model as `/embed` is:
 * - `POST /tokenize` `{inputs, add_special_tokens?, prompt_name?}` -> one list per input of
 *   TEI's `SimpleToken`s, `{id, text, special, start, stop}` (a single string is a list of one
 *   list, as TEI answers it).
 * - `POST /embed_all` `{inputs, truncate?, truncation_direction?, prompt_name?}` -> every token's
 *   vector, `[[[f32, ...] per token] per input]`: the encoder's last hidden states, unpooled and
 *   unnormalised, as TEI returns them.
 */
import type { EmbedRole, ModelInfo, OverflowPolicy, TokenInfo } from 'mullama';
import type { ServerResponse } from 'node:http';
import { HttpError, type Route, textsOf } from './http.js';
import type { Models } from './models.js';
import type { Metrics } from './ops.js';
import { vectorJson } from './output.js';
import { optionalBool, teiOverflow, teiRole } from './tei.js';

export interface TeiTokenDeps {
  models: Models;
  maxInputs: number;
  maxTokens: number;
  metrics: Metrics;
}

/** The prompt the core puts before a text for `role` (`Prompts::resolve`): the role's, else
 * none; without a role the model's default one. */
function promptOf(info: ModelInfo, role: ReturnType<typeof teiRole>): string {
  const p = role === 'query' ? info.queryPrompt : role ? info.documentPrompt : info.defaultPrompt;
  return p ?? '';
}

const strict = new TextDecoder('utf-8', { fatal: true });

/** One token as TEI's SimpleToken. TEI's `text` is the part of the input the token covers (its
 * original spelling, `Hello` where the vocabulary has `hello`); a special token's is its
 * vocabulary entry, with null offsets. A byte-fallback token holds part of a character, which is
 * no text of its own: it keeps its vocabulary entry (`<0xC3>`). */
function simpleToken(t: TokenInfo, bytes: Buffer): string {
  if (t.special || t.start === undefined || t.stop === undefined) {
    return `{"id":${t.id},"text":${JSON.stringify(t.text)},"special":true,"start":null,"stop":null}`;
  }
  let text: string;
  try {
    text = strict.decode(bytes.subarray(t.start, t.stop));
  } catch {
    text = t.text;
  }
  return `{"id":${t.id},"text":${JSON.stringify(text)},"special":false,"start":${t.start},"stop":${t.stop}}`;
}

/** Writes an answer part by part, waiting when the socket's buffer is full: a request's token
 * vectors (up to --max-tokens of them) can be more JSON than fits in one string. Stops when the
 * client goes away. */
async function writeParts(res: ServerResponse, parts: Iterable<string>): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json' });
  for (const part of parts) {
    if (res.destroyed) return;
    if (res.write(part)) continue;
    await new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }
  res.end();
}

export function teiTokenRoutes({ models, maxInputs, maxTokens, metrics }: TeiTokenDeps): Record<string, Route> {
  const tokenize: Route['run'] = async (body) => {
    const texts = textsOf(body.inputs, 'inputs', maxInputs);
    const withSpecial = optionalBool(body, 'add_special_tokens', true);
    const role = teiRole(body);
    const { model } = await models.get(models.defaultName());
    const prompt = promptOf(model.info, role);
    const lists = texts.map((text, i) => {
      // Checked before the prompt goes on: an empty input is refused with a prompt too, by TEI and /embed.
      if (!text) throw new HttpError('EMPTY_INPUT', `'inputs${typeof body.inputs === 'string' ? '' : `[${i}]`}' is empty`);
      // The core tokenizes `prompt + text` as one string when it embeds (as sentence-transformers
      // and TEI do), so these are the tokens /embed runs; the offsets count the prompt's bytes
      // too, as TEI's do.
      const full = prompt + text;
      const bytes = Buffer.from(full, 'utf8');
      const tokens = model.tokenizeWithOffsets(full).filter((t) => withSpecial || !t.special);
      return `[${tokens.map((t) => simpleToken(t, bytes)).join(',')}]`;
    });
    return `[${lists.join(',')}]`;
  };

  const embedAll: Route['run'] = async (body, _req, res) => {
    const texts = textsOf(body.inputs, 'inputs', maxInputs);
    const overflow = teiOverflow(body);
    const role = teiRole(body);
    const name = models.defaultName();
    const { ctx } = await models.get(name);
    // normalize false: TEI's /embed_all has no such field and answers the raw hidden states (the
    // core would otherwise scale each token's vector when the model normalises by default).
    const all = await ctx.getTokenEmbeddings(texts, {
      overflow: overflow as OverflowPolicy,
      role: role as EmbedRole | undefined,
      maxTokens,
      normalize: false,
    });
    metrics.embedded(name, texts.length, all.reduce((a, t) => a + t.tokens, 0));
    function* parts() {
      for (let i = 0; i < all.length; i++) {
        const { data, dimension, tokens } = all[i];
        const rows: string[] = [];
        for (let r = 0; r < tokens; r++) rows.push(vectorJson(data.subarray(r * dimension, (r + 1) * dimension)));
        yield `${i ? ',' : '['}[${rows.join(',')}]`;
      }
      yield ']';
    }
    await writeParts(res, parts());
    return undefined;
  };

  return {
    // Tokenizing runs no model: it is not embedding work, so it bypasses --max-queue.
    '/tokenize': { method: 'POST', run: tokenize },
    '/embed_all': { method: 'POST', embeds: true, run: embedAll },
  };
}
