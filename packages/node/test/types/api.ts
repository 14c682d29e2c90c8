// Type test, the hand-written part: what the IDL does not say (the error class, the seed's
// example as written). One assertion per IDL item is generated: generated/idl.ts.
import { expectTypeOf } from 'vitest';
import { Context, ErrorCode, Model, MullamaError, PoolingStrategy } from 'mullama';

// Errors.
expectTypeOf<MullamaError>().toExtend<Error>();
expectTypeOf<MullamaError['code']>().toEqualTypeOf<ErrorCode>();

// The seed's basic example type-checks as written.
export async function basic(): Promise<void> {
  const model = await Model.load('./embedding-model.gguf');
  const context = new Context(model, { embeddings: true });
  const embedding = await context.getEmbedding('Hello, world!', { pooling: PoolingStrategy.Mean });
  console.log(`Dimension: ${embedding.dimension}`);
  console.log(`Vector (first 5): ${embedding.data.slice(0, 5)}`);
}
