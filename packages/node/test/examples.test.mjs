// The seed's Node.js examples (shared/spec/embeddings.md), each run as written by node in a temp
// cwd where ./embedding-model.gguf and ./nomic-embed-text.gguf are the default model.
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PKG_DIR, exampleDir } from './helpers.mjs';

let dir;
beforeAll(() => {
  dir = exampleDir();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(name) {
  copyFileSync(join(PKG_DIR, 'test', 'examples', name), join(dir, name));
  return execFileSync(process.execPath, [name], { cwd: dir, encoding: 'utf8' });
}

describe('seed examples (spec/embeddings.md, Node.js tabs)', () => {
  it('Basic Embedding Generation (ESM)', () => {
    const out = run('basic.mjs');
    expect(out).toMatch(/^Dimension: 384$/m);
    expect(out).toMatch(/^Vector \(first 5\): (-?\d+(\.\d+)?(e-?\d+)?,){4}-?\d/m);
  });

  it('Basic Embedding Generation (CommonJS require)', () => {
    expect(run('basic.cjs')).toMatch(/^Dimension: 384$/m);
  });

  it('Pooling Strategies', () => {
    expect(run('pooling.mjs')).toContain('mean 384 last 384 differ true');
  });

  it('Batch Embedding', () => {
    const out = run('batch.mjs');
    expect(out.trim().split('\n')).toEqual([
      '"The quick brown fox jumps over..." -> dim 384',
      '"Machine learning is a subset o..." -> dim 384',
      '"Rust is a systems programming ..." -> dim 384',
      '"Python is popular for data sci..." -> dim 384',
    ]);
  });

  it('Similarity Calculations', () => {
    const out = run('similarity.mjs');
    const pasta = Number(/Pasta vs Spaghetti: (\S+)/.exec(out)[1]);
    const quantum = Number(/Pasta vs Quantum: (\S+)/.exec(out)[1]);
    expect(pasta).toBeGreaterThan(quantum + 0.2);
    expect(out).toMatch(/^Dot product: -?\d+\.\d{4}$/m);
  });

  it('Normalization', () => {
    const m = /norm (\S+) dot (\S+) cos (\S+)/.exec(run('normalization.mjs'));
    expect(Number(m[1])).toBeCloseTo(1, 3);
    expect(Number(m[2])).toBeCloseTo(Number(m[3]), 3);
  });
});
