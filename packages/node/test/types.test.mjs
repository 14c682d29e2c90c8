// The type test: tsc checks test/types/*.ts against the built typings (see test/types/api.ts).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PKG_DIR } from './helpers.mjs';

const require = createRequire(import.meta.url);

it('public typings have the IDL shapes (tsc --noEmit)', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  let out = '';
  try {
    out = execFileSync(process.execPath, [tsc, '-p', join(PKG_DIR, 'test', 'types', 'tsconfig.json')], { encoding: 'utf8' });
  } catch (e) {
    out = `${e.stdout}${e.stderr}`;
  }
  expect(out).toBe('');
});
