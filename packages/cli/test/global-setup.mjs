// Builds dist/cli.mjs (esbuild, well under a second) and makes the tiny test models if missing.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(pkg, '..', '..');

export default function setup() {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: pkg, stdio: 'inherit' });
  if (!existsSync(join(repo, 'target', 'testdata', 'tiny-bert.gguf'))) {
    execFileSync('bash', ['scripts/gen-testdata.sh'], { cwd: repo, stdio: 'inherit' });
  }
}
