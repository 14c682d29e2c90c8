// convertModel: a Hugging Face BERT folder to GGUF, off the JS thread, then loadable.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ConvertType, Context, Model, MullamaError, convertModel } from '../dist/index.mjs';
import { testdata } from './helpers.mjs';

it('converts tiny-bert-hf to a GGUF that loads and embeds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mullama-convert-'));
  try {
    const dst = join(dir, 'tiny.gguf');
    const report = await convertModel(testdata('tiny-bert-hf'), dst, { type: ConvertType.F32, name: 'tiny' });
    expect(report).toMatchObject({ architecture: 'bert', type: 'f32' });
    expect(report.tensors).toBeGreaterThan(0);
    expect(report.bytesWritten).toBeGreaterThan(0);
    const model = await Model.load(dst);
    expect(model).toBeInstanceOf(Model);
    expect(model.info).toMatchObject({ name: 'tiny', dimension: report.dimension });
    const ctx = new Context(model, { embeddings: true });
    expect((await ctx.getEmbedding('hello world')).dimension).toBe(report.dimension);
    ctx.close();
    const err = await convertModel(join(dir, 'missing'), join(dir, 'x.gguf')).catch((e) => e);
    expect(err).toBeInstanceOf(MullamaError);
    expect(err.code).toBe('MODEL_NOT_FOUND');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
