// `npm pack` the built package, install the tarball into an empty dir outside the workspace
// (no registry needed: mullama has no runtime dependencies), and run the seed's basic example
// there with node as ESM and with require() as CommonJS.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, PKG_DIR } from './helpers.mjs';

let dir, files;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mullama-pack-'));
  const packDir = join(dir, 'pack');
  const app = join(dir, 'app');
  execFileSync('mkdir', ['-p', packDir, app]);
  const [info] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: PKG_DIR, encoding: 'utf8' }));
  files = info.files.map((f) => f.path).sort();
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', join(packDir, info.filename)], { cwd: app, stdio: 'pipe' });
  symlinkSync(DEFAULT_MODEL, join(app, 'embedding-model.gguf'));
  for (const f of ['basic.mjs', 'basic.cjs']) copyFileSync(join(PKG_DIR, 'test', 'examples', f), join(app, f));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm pack + install', () => {
  it('the tarball holds the built JS, the typings and the native addon, nothing else', () => {
    expect(files).toContain('dist/index.mjs');
    expect(files).toContain('dist/index.cjs');
    expect(files).toContain('dist/index.d.mts');
    expect(files).toContain('dist/index.d.cts');
    expect(files).toContain('binding.cjs');
    expect(files).toContain('binding.d.cts');
    expect(files.some((f) => /^mullama\..+\.node$/.test(f))).toBe(true);
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('native/'))).toEqual([]);
  });

  it('the installed package has no node_modules of its own', () => {
    expect(readdirSync(join(dir, 'app', 'node_modules')).filter((f) => !f.startsWith('.'))).toEqual(['mullama']);
  });

  for (const f of ['basic.mjs', 'basic.cjs']) {
    it(`runs the basic example installed (${f.endsWith('.mjs') ? 'ESM import' : 'CommonJS require'})`, () => {
      const out = execFileSync(process.execPath, [f], { cwd: join(dir, 'app'), encoding: 'utf8' });
      expect(out).toMatch(/^Dimension: 384$/m);
      expect(out).toMatch(/^Vector \(first 5\): /m);
    });
  }
});
