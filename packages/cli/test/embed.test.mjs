// Transcripts of the seed's CLI examples, bulk input and bad inputs, run as real processes.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Context, Model, cosineSimilarity } from 'mullama';
import { cli, defaultModelFile, makeHome, run, testdata, tinyBert, tinyLlama } from './helpers.mjs';

let h;
beforeAll(() => {
  h = makeHome({ 'llama3.2-1b.gguf': tinyLlama, 'nomic-embed-text.gguf': defaultModelFile(), 'tiny-bert.gguf': tinyBert });
});
afterAll(() => h.cleanup());

const embed = (args, opts = {}) => run(['embed', ...args], { env: h.env, ...opts });
const parseText = (stdout) => {
  const [dimLine, vec] = stdout.trim().split('\n');
  return { dim: Number(/^Dimension: (\d+)$/.exec(dimLine)[1]), vec: JSON.parse(vec) };
};
const close = (a, b, tol = 1e-4) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= tol * Math.max(1, Math.abs(b[i])));

describe('seed examples', () => {
  test('mullama embed llama3.2:1b "Hello, world!"', async () => {
    const r = await embed(['llama3.2:1b', 'Hello, world!']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { dim, vec } = parseText(r.stdout);
    expect(dim).toBe(64);
    expect(vec).toHaveLength(64);
    // The same numbers as the Node library with the same defaults.
    const model = await Model.load(tinyLlama);
    const ctx = new Context(model, { embeddings: true });
    const ref = await ctx.getEmbedding('Hello, world!');
    ctx.close();
    expect(close(vec, Array.from(ref.data))).toBe(true);
  });

  test('--pooling mean is the default; --pooling last differs', async () => {
    const [d, mean, last] = await Promise.all([
      embed(['llama3.2:1b', 'Hello!']),
      embed(['llama3.2:1b', 'Hello!', '--pooling', 'mean']),
      embed(['llama3.2:1b', 'Hello!', '--pooling', 'last']),
    ]);
    for (const r of [d, mean, last]) expect(r.code).toBe(0);
    expect(parseText(mean.stdout).vec).toEqual(parseText(d.stdout).vec);
    expect(parseText(last.stdout).vec).not.toEqual(parseText(mean.stdout).vec);
    for (const p of ['first', 'max']) {
      const r = await embed(['llama3.2:1b', 'Hello!', '--pooling', p]);
      expect(r.code).toBe(0);
    }
  });

  test('--compare prints the cosine similarity', async () => {
    const r = await embed(['llama3.2:1b', '--compare', 'How do I cook pasta?', 'What is the recipe for spaghetti?']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^-?\d\.\d{6}\n$/);
    const sim = Number(r.stdout);
    expect(sim).toBeGreaterThanOrEqual(-1);
    expect(sim).toBeLessThanOrEqual(1);
    const j = await embed(['llama3.2:1b', '--compare', 'How do I cook pasta?', 'What is the recipe for spaghetti?', '--format', 'json']);
    expect(JSON.parse(j.stdout).similarity).toBeCloseTo(sim, 5);
    // the seed's purpose-built model name
    const n = await embed(['nomic-embed-text', '--compare', 'How do I cook pasta?', 'What is the recipe for spaghetti?']);
    expect(n.code).toBe(0);
  });

  test('--normalize gives unit vectors', async () => {
    const r = await embed(['llama3.2:1b', 'Hello!', '--normalize']);
    expect(r.code).toBe(0);
    const { vec } = parseText(r.stdout);
    expect(Math.hypot(...vec)).toBeCloseTo(1, 4);
    const plain = parseText((await embed(['llama3.2:1b', 'Hello!'])).stdout).vec;
    expect(cosineSimilarity(vec, plain)).toBeCloseTo(1, 5);
  });

  test('--format json is one object', async () => {
    const r = await embed(['nomic-embed-text', 'Hello, world!', '--format', 'json']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o).toMatchObject({ model: 'nomic-embed-text', truncated: false });
    expect(o.embedding).toHaveLength(o.dimension);
    expect(o.tokens).toBeGreaterThan(0);
  });

  test('a model given as a file path', async () => {
    const r = await embed([tinyBert, 'Hello', '--format', 'json', '--pooling', 'native']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).dimension).toBeGreaterThan(0);
  });
});

describe('bulk input', () => {
  test('lines from stdin stream out as ndjson in order', async () => {
    const texts = Array.from({ length: 150 }, (_, i) => `text number ${i} ${'x '.repeat(i % 7)}`);
    const r = await embed(['tiny-bert', '-', '--format', 'ndjson', '--batch', '16'], { input: texts.join('\n') + '\n\n' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((x) => x.index)).toEqual(texts.map((_, i) => i));
    // batch invariance: a text's vector is the one it gets alone
    const alone = JSON.parse((await embed(['tiny-bert', texts[42], '--format', 'json'])).stdout);
    expect(close(rows[42].embedding, alone.embedding, 1e-3)).toBe(true);
  });

  test('JSONL from --input FILE keeps ids; json wraps many results in one object', async () => {
    const f = join(h.home, 'in.jsonl');
    writeFileSync(f, '{"text":"alpha","id":"a"}\n{"text":"beta","id":2}\n');
    const r = await embed(['tiny-bert', '--input', f, '--format', 'json']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.data.map((x) => x.id)).toEqual(['a', 2]);
    const t = await embed(['tiny-bert', '--input', f]);
    expect(t.stdout.trim().split('\n')).toHaveLength(4);
  });

  test('invalid UTF-8 on stdin or in a file is INVALID_UTF8, never U+FFFD', async () => {
    const r = await embed(['tiny-bert', '-'], { input: Buffer.from([0x6f, 0x6b, 0x0a, 0x61, 0xff, 0x62, 0x0a]) });
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/^mullama: INVALID_UTF8: stdin: not valid UTF-8/);
    const f = join(h.home, 'latin1.txt');
    writeFileSync(f, Buffer.from('caf\xe9\n', 'latin1'));
    const t = await embed(['tiny-bert', '--input', f]);
    expect(t.code).toBe(7);
    expect(t.stderr).toMatch(/INVALID_UTF8: .*latin1.txt: not valid UTF-8/);
  });

  test('an argument that is not UTF-8 is INVALID_UTF8, never U+FFFD', async () => {
    // Node cannot pass raw bytes as an argument, so a shell builds them: caf\xe9 is Latin-1.
    const viaShell = (args) =>
      new Promise((resolve) => {
        const child = spawn('bash', ['-c', `exec "$0" "$1" embed ${args}`, process.execPath, cli], {
          env: { ...process.env, ...h.env, MULLAMA_NO_PROGRESS: '1' },
        });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.stdin.end();
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const text = await viaShell(`tiny-bert ok "$(printf 'caf\\351')"`);
    expect(text.code).toBe(7);
    expect(text.stderr).toMatch(/^mullama: INVALID_UTF8: text 2: the argument is not valid UTF-8/);
    const prompt = await viaShell(`tiny-bert --prompt "$(printf 'q\\377: ')" ok`);
    expect(prompt.code).toBe(7);
    expect(prompt.stderr).toMatch(/INVALID_UTF8: --prompt/);
    // A real U+FFFD typed by the user is valid UTF-8 and is embedded.
    const fine = await viaShell(`tiny-bert "caf\u{FFFD}"`);
    expect(fine.stderr).toBe('');
    expect(fine.code).toBe(0);
  });

  test('a failing line is named', async () => {
    const f = join(h.home, 'bad.jsonl');
    writeFileSync(f, '{"text":"ok"}\n{"text":""}\n');
    const r = await embed(['tiny-bert', '--input', f]);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/^mullama: EMPTY_INPUT: line 2: .*\n$/);
    writeFileSync(f, '{"text":"ok"}\n{"text":\n');
    const r2 = await embed(['tiny-bert', '--input', f]);
    expect(r2.code).toBe(12);
    expect(r2.stderr).toMatch(/line 2: not valid JSON/);
  });

  test('--overflow and --n-ctx', async () => {
    const long = 'word '.repeat(100);
    const e = await embed(['tiny-bert', long, '--n-ctx', '16']);
    expect(e.code).toBe(8);
    expect(e.stderr).toMatch(/^mullama: INPUT_TOO_LONG: /);
    const t = await embed(['tiny-bert', long, '--n-ctx', '16', '--overflow', 'truncate_end', '--format', 'json', '--threads', '1']);
    expect(t.code).toBe(0);
    expect(JSON.parse(t.stdout)).toMatchObject({ truncated: true, tokens: 16 });
  });

  test("the IDL's aliases: --pooling cls, --overflow truncate (as in Python and Rust)", async () => {
    const first = parseText((await embed(['tiny-bert', 'hello there', '--pooling', 'first'])).stdout);
    const cls = parseText((await embed(['tiny-bert', 'hello there', '--pooling', 'CLS'])).stdout);
    expect(cls.vec).toEqual(first.vec);
    const t = await embed(['tiny-bert', 'word '.repeat(100), '--n-ctx', '16', '--overflow', 'truncate', '--format', 'json']);
    expect(t.code).toBe(0);
    expect(JSON.parse(t.stdout)).toMatchObject({ truncated: true, tokens: 16 });
    const bad = await embed(['tiny-bert', 'x', '--pooling', 'median']);
    expect(bad.stderr).toMatch(/--pooling must be one of mean\|last\|first\|max\|native, got 'median'/);
  });
});

describe('bad inputs: one line on stderr, no stack trace', () => {
  const oneLine = (r) => {
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  };
  test.each([
    [['nosuch-model', 'hi'], 3, 'MODEL_NOT_FOUND'],
    [['./missing.gguf', 'hi'], 3, 'MODEL_NOT_FOUND'],
    [[join(testdata, 'not-a-gguf.gguf'), 'hi'], 4, 'MODEL_INVALID'],
    [[join(testdata, 'corrupt-truncated.gguf'), 'hi'], 4, 'MODEL_INVALID'],
    [['llama3.2:1b', ''], 6, 'EMPTY_INPUT'],
    [['llama3.2:1b', 'hi', '--pooling', 'native'], 9, 'POOLING_UNSUPPORTED'],
    [['llama3.2:1b', 'hi', '--bogus'], 2, 'USAGE'],
    [['llama3.2:1b', 'hi', '--pooling', 'median'], 2, 'USAGE'],
    [['llama3.2:1b', 'hi', '--n-ctx', 'lots'], 2, 'USAGE'],
    [['llama3.2:1b'], 2, 'USAGE'],
    [[], 2, 'USAGE'],
    [['llama3.2:1b', '--compare', 'only one'], 2, 'USAGE'],
    [['llama3.2:1b', '--input', '/nonexistent/file.txt'], 15, 'IO'],
  ])('embed %j -> exit %i %s', async (args, code, errCode) => {
    const r = await embed(args);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^mullama: ${errCode}: `));
    oneLine(r);
  });

  test('unknown command', async () => {
    const r = await run(['frobnicate'], { env: h.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^mullama: USAGE: unknown command/);
  });

  test('--help', async () => {
    const r = await run(['embed', '--help'], { env: h.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--pooling mean\|last\|first\|max\|native/);
  });
});

describe('--precision, --ranges and the embedding space', () => {
  const texts = ['A man is eating food.', 'A man is eating pasta.', 'The girl is carrying a baby.'];

  test('--precision ubinary prints the packed bits the library computes, with the space', async () => {
    const r = await embed(['nomic-embed-text', texts[0], '--precision', 'ubinary', '--format', 'json']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.precision).toBe('ubinary');
    expect(o.embedding).toHaveLength(48);
    const model = await Model.load(defaultModelFile());
    const ctx = new Context(model, { embeddings: true });
    const [ref] = await ctx.getEmbeddingBatch([texts[0]], { precision: 'ubinary' });
    ctx.close();
    expect(o.embedding).toEqual(Array.from(ref.quantized));
    expect(o.space).toBe(ref.space);
  });

  test('int8 over --input takes --ranges from --emit-ranges; without them it is refused', async () => {
    const f = join(h.home, 'sample.txt');
    writeFileSync(f, texts.join('\n') + '\n');
    const refused = await embed(['nomic-embed-text', '--input', f, '--precision', 'int8']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^mullama: USAGE: --precision int8 with --input needs --ranges FILE/);
    const single = await embed(['nomic-embed-text', texts[0], '--precision', 'int8']);
    expect(single.code).toBe(12);
    expect(single.stderr).toMatch(/INVALID_ARGUMENT: .*ranges/);

    const emitted = await embed(['nomic-embed-text', '--input', f, '--emit-ranges']);
    expect(emitted.code).toBe(0);
    const ranges = JSON.parse(emitted.stdout);
    expect(ranges).toHaveLength(768);
    const rf = join(h.home, 'ranges.json');
    writeFileSync(rf, emitted.stdout);
    const r = await embed(['nomic-embed-text', '--input', f, '--precision', 'int8', '--ranges', rf, '--format', 'ndjson', '--batch', '1']);
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(3);
    // One calibration for every batch: one space, and each dimension spans about -128..127 over
    // the sample (not exactly: a text embedded alone differs from its batched self in the 5th digit).
    expect(new Set(rows.map((x) => x.space)).size).toBe(1);
    for (let d = 0; d < 384; d++) {
      const col = rows.map((x) => x.embedding[d]);
      expect(Math.min(...col)).toBeLessThanOrEqual(-126);
      expect(Math.max(...col)).toBeGreaterThanOrEqual(125);
    }
    const bad = await embed(['nomic-embed-text', texts[0], '--precision', 'int8', '--ranges', f]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/is not JSON/);
  });

  test('show prints the fingerprint the library reports', async () => {
    const r = await run(['show', 'nomic-embed-text', '--format', 'json'], { env: h.env });
    expect(r.code).toBe(0);
    const model = await Model.load(defaultModelFile());
    expect(JSON.parse(r.stdout).fingerprint).toBe(model.info.fingerprint);
  });
});
