// Bundles src/cli.ts into dist/cli.mjs (ESM, node20). `mullama` (the Node package, with its native
// binding) stays external: it is resolved from node_modules at run time.
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.mjs',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  bundle: true,
  external: ['mullama'],
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
chmodSync('dist/cli.mjs', 0o755);
