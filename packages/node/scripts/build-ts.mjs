// Builds the TS layer: dist/index.mjs (ESM), dist/index.cjs (CommonJS) and their typings.
// The native binding (binding.cjs + mullama.<platform>.node, from `napi build`) stays outside
// dist at the package root, where both builds load it from ('../binding.cjs').
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const keepBinding = {
  name: 'keep-binding',
  setup(b) {
    // From dist/, the binding is one folder up, whichever source file imports it.
    b.onResolve({ filter: /binding\.cjs$/ }, () => ({ path: '../binding.cjs', external: true }));
  },
};
rmSync('dist', { recursive: true, force: true });
for (const [format, ext] of [['esm', 'mjs'], ['cjs', 'cjs']]) {
  await build({ entryPoints: ['src/index.ts'], outfile: `dist/index.${ext}`, format, platform: 'node', target: 'node20', bundle: true, plugins: [keepBinding], logLevel: 'warning' });
  // mullama/langchain: the main entry stays external, so its classes are the ones users import
  // from 'mullama' (one copy, instanceof holds); @langchain/core is the user's (a peer).
  const mainEntry = { name: 'main-entry', setup: (b) => b.onResolve({ filter: /^\.\/index\.js$/ }, () => ({ path: `./index.${ext}`, external: true })) };
  await build({ entryPoints: ['src/langchain.ts'], outfile: `dist/langchain.${ext}`, format, platform: 'node', target: 'node20', bundle: true, external: ['@langchain/core', '@langchain/core/*'], plugins: [mainEntry], logLevel: 'warning' });
}
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], { stdio: 'inherit' });
mkdirSync('dist', { recursive: true });
// tsc wrote dist/index.d.ts, dist/errors.d.ts and dist/generated/api.d.ts (src/ and dist/ are
// siblings, so their relative imports of ../binding.cjs hold). The ESM and CJS entries' typings:
copyFileSync('dist/index.d.ts', 'dist/index.d.mts');
copyFileSync('dist/index.d.ts', 'dist/index.d.cts');
copyFileSync('dist/langchain.d.ts', 'dist/langchain.d.mts');
copyFileSync('dist/langchain.d.ts', 'dist/langchain.d.cts');
