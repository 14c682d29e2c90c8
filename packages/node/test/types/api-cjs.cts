// The CommonJS typings (dist/index.d.cts) resolve too, through `require`.
import mullama = require('mullama');
export async function basic(): Promise<number> {
  const model = await mullama.Model.load('./embedding-model.gguf');
  const context = new mullama.Context(model, { embeddings: true });
  const e: mullama.Embedding = await context.getEmbedding('Hello, world!');
  const err: unknown = null;
  if (err instanceof mullama.MullamaError) return err.code.length;
  return e.dimension;
}
