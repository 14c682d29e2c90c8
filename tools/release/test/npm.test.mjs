// The npm tarball as the registry would deliver it (tools/release/src/pack-npm.mjs): installed
// into an empty folder outside the workspace (no registry needed: it has no dependencies), it
// must give the library (the spec's Node tab, ESM and CommonJS) and the `mullama` command, also
// through `npm install -g`; and its addon must run on an x86-64 without AVX2 (qemu).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosine, DEFAULT_MODEL, loadedBackend, OLD_CPU, OLD_CPU_BACKEND, REPO, runOnOldCpu, sh } from './helpers.mjs';

const EXAMPLES = join(REPO, 'packages/node/test/examples');
let dir, tarball, files, app;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mullama-release-npm-'));
  tarball = sh(process.execPath, [join(REPO, 'tools/release/src/pack-npm.mjs'), join(dir, 'pack')], { stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  files = sh('tar', ['-tzf', tarball]).split('\n').filter(Boolean).map((f) => f.replace(/^package\//, '')).sort();
  app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
  sh('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: app });
  symlinkSync(DEFAULT_MODEL, join(app, 'embedding-model.gguf'));
  for (const f of ['basic.mjs', 'basic.cjs']) copyFileSync(join(EXAMPLES, f), join(app, f));
  // The whole vector, to compare the emulated old CPU's result with this machine's.
  writeFileSync(
    join(app, 'vector.mjs'),
    "import { Model, Context } from 'mullama';\n" +
      "const context = new Context(await Model.load('./embedding-model.gguf'), { embeddings: true });\n" +
      "console.log(JSON.stringify(Array.from((await context.getEmbedding('Hello, world!')).data)));\n",
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the npm tarball', () => {
  it('holds the library, the command, the addon and llama.cpp with every CPU backend, nothing else', () => {
    const allowed = [/^dist\/index\.(mjs|cjs|d\.mts|d\.cts)$/, /^dist\/[\w/.-]+\.(mjs|cjs|d\.ts|d\.mts|d\.cts)$/, /^cli\/mullama\.mjs$/, /^binding\.(cjs|d\.cts)$/,
      /^mullama\.linux-x64-gnu\.node$/, /^lib(llama|ggml|ggml-base)\.so\.\d+$/, /^libggml-cpu-\w+\.so$/, /^package\.json$/, /^README\.md$/];
    expect(files.filter((f) => !allowed.some((re) => re.test(f)))).toEqual([]);
    for (const f of ['dist/index.mjs', 'dist/index.cjs', 'cli/mullama.mjs', 'binding.cjs', 'mullama.linux-x64-gnu.node', 'libllama.so.0', 'libggml-base.so.0', 'libggml-cpu-x64.so', 'libggml-cpu-sse42.so', 'libggml-cpu-haswell.so', 'libggml-cpu-skylakex.so']) {
      expect(files).toContain(f);
    }
  });

  it('its manifest names one version, the command, and no dependencies', () => {
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules/mullama/package.json'), 'utf8'));
    expect(manifest.version).toBe(JSON.parse(readFileSync(join(REPO, 'packages/node/package.json'), 'utf8')).version);
    expect(manifest.bin).toEqual({ mullama: 'cli/mullama.mjs' });
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.devDependencies).toBeUndefined();
    expect(JSON.stringify(manifest)).not.toContain('workspace:');
  });

  for (const f of ['basic.mjs', 'basic.cjs']) {
    it(`runs the spec's Node tab installed (${f.endsWith('.mjs') ? 'ESM import' : 'CommonJS require'})`, () => {
      const out = sh(process.execPath, [f], { cwd: app });
      expect(out).toMatch(/^Dimension: 384$/m);
      expect(out).toMatch(/^Vector \(first 5\): -?\d/m);
    });
  }

  it('gives the mullama command in node_modules/.bin', () => {
    const home = join(dir, 'home');
    mkdirSync(join(home, 'models'), { recursive: true });
    symlinkSync(DEFAULT_MODEL, join(home, 'models', 'all-minilm.gguf'));
    const out = sh(join(app, 'node_modules/.bin/mullama'), ['embed', 'all-minilm', 'Hello, world!', '--format', 'json'], { cwd: app, env: { ...process.env, MULLAMA_HOME: home } });
    const result = JSON.parse(out);
    expect(result.dimension).toBe(384);
    expect(result.embedding).toHaveLength(384);
  });

  it('npm install -g puts mullama on PATH', () => {
    const prefix = join(dir, 'global');
    sh('npm', ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, tarball]);
    const out = sh('mullama', ['--version'], { env: { ...process.env, PATH: `${join(prefix, 'bin')}:/usr/bin:/bin` } });
    expect(out.trim()).toContain(JSON.parse(readFileSync(join(REPO, 'packages/node/package.json'), 'utf8')).version);
  });

  it(`embeds on an x86-64 without AVX2 (qemu -cpu ${OLD_CPU}) with its SSE4.2 backend, the same vector`, () => {
    const here = JSON.parse(sh(process.execPath, ['vector.mjs'], { cwd: app }));
    const old = runOnOldCpu(process.execPath, ['vector.mjs'], { cwd: app });
    expect(old.signal, old.stderr.slice(-2000)).toBeNull();
    expect(old.status, old.stderr.slice(-2000)).toBe(0);
    expect(loadedBackend(old.stderr)).toBe(OLD_CPU_BACKEND);
    const vector = JSON.parse(old.stdout);
    expect(vector).toHaveLength(384);
    expect(cosine(vector, here)).toBeGreaterThan(0.99999);
  });
});
