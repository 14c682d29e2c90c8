// Type test: the public typings of `mullama` (dist/*.d.mts|.d.cts over napi's binding.d.cts)
// have the IDL's shapes (packages/api-spec). Checked by `tsc --noEmit` in types.test.mjs.
import { expectTypeOf } from 'vitest';
import type * as Idl from '../../../api-spec/src/index.js';
import {
  Context,
  ConvertType,
  ErrorCode,
  Model,
  MullamaError,
  OverflowPolicy,
  PoolingStrategy,
  convertModel,
  cosineSimilarity,
  dotProduct,
  normalize,
  type ContextParams,
  type ConvertOptions,
  type ConvertReport,
  type EmbedOptions,
  type Embedding,
  type ModelInfo,
} from 'mullama';

// Enums: the same string values as the IDL's.
expectTypeOf<`${PoolingStrategy}`>().toEqualTypeOf<`${Idl.PoolingStrategy}`>();
expectTypeOf<`${OverflowPolicy}`>().toEqualTypeOf<`${Idl.OverflowPolicy}`>();
expectTypeOf<`${ConvertType}`>().toEqualTypeOf<`${Idl.ConvertType}`>();
expectTypeOf<`${ErrorCode}`>().toEqualTypeOf<`${Idl.ErrorCode}`>();

// Objects: the same keys, optional where the IDL's are, with the same value types.
type Plain<T> = { [K in keyof T]: T[K] extends infer V ? (V extends string ? `${V}` : V) : never };
expectTypeOf<Plain<ContextParams>>().toEqualTypeOf<Plain<Idl.ContextParams>>();
expectTypeOf<Plain<EmbedOptions>>().toEqualTypeOf<Plain<Idl.EmbedOptions>>();
expectTypeOf<Plain<Embedding>>().toEqualTypeOf<Plain<Idl.Embedding>>();
expectTypeOf<Plain<ModelInfo>>().toEqualTypeOf<Plain<Idl.ModelInfo>>();
expectTypeOf<Plain<ConvertOptions>>().toEqualTypeOf<Plain<Idl.ConvertOptions>>();
expectTypeOf<Plain<ConvertReport>>().toEqualTypeOf<Plain<Idl.ConvertReport>>();
expectTypeOf<Embedding['data']>().toEqualTypeOf<Float32Array>();

// Classes.
expectTypeOf(Model.load).parameters.toEqualTypeOf<[path: string]>();
expectTypeOf(Model.load).returns.toEqualTypeOf<Promise<Model>>();
expectTypeOf<Model['info']>().toEqualTypeOf<ModelInfo>();
expectTypeOf(Context).constructorParameters.toEqualTypeOf<[model: Model, params?: ContextParams | undefined]>();
expectTypeOf<Context['getEmbedding']>().parameters.toEqualTypeOf<[text: string, options?: EmbedOptions | undefined]>();
expectTypeOf<Context['getEmbedding']>().returns.toEqualTypeOf<Promise<Embedding>>();
expectTypeOf<Context['getEmbeddingBatch']>().parameters.toEqualTypeOf<[texts: string[], options?: EmbedOptions | undefined]>();
expectTypeOf<Context['getEmbeddingBatch']>().returns.toEqualTypeOf<Promise<Embedding[]>>();
expectTypeOf<Context['close']>().toEqualTypeOf<() => void>();

// Free functions: Vector arguments also take number[].
expectTypeOf(cosineSimilarity).toEqualTypeOf<(a: Float32Array | number[], b: Float32Array | number[]) => number>();
expectTypeOf(dotProduct).toEqualTypeOf<(a: Float32Array | number[], b: Float32Array | number[]) => number>();
expectTypeOf(normalize).toEqualTypeOf<(vector: Float32Array | number[]) => Float32Array>();
expectTypeOf(convertModel).toEqualTypeOf<(source: string, destination: string, options?: ConvertOptions) => Promise<ConvertReport>>();

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
