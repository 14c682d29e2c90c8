#!/usr/bin/env node
// One version for every artefact. Changesets bumps the npm manifests (the packages of the
// "fixed" group in .changeset/config.json move together); this script then carries that version
// to what changesets cannot see:
//   - Cargo.toml [workspace.package] version (every crate: mullama-core, mullama, the bindings;
//     the wheel's version comes from mullama-python's, so pyproject.toml says `dynamic`);
//   - the `version = "=X"` on the crates' path dependencies, which `cargo package` needs and
//     which keeps a published `mullama` on exactly the `mullama-core` it was tested with;
//   - Cargo.lock (cargo update --workspace, offline).
// Run by `corepack pnpm run version-packages` after `changeset version`; `--check` only reports.
//
//   node tools/release/src/sync-versions.mjs [--root DIR] [--check]
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const rootArg = args.indexOf('--root');
const root = rootArg >= 0 ? resolve(args[rootArg + 1]) : resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const check = args.includes('--check');

const version = JSON.parse(readFileSync(join(root, 'packages/node/package.json'), 'utf8')).version;
if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) throw new Error(`not a semver version: ${version}`);

/** Manifests and the rewrite each needs. */
const edits = [
  ['Cargo.toml', (s) => s.replace(/(\[workspace\.package\][^[]*?\nversion = )"[^"]*"/, `$1"${version}"`)],
  ['packages/rust-crate/Cargo.toml', (s) => s.replace(/(mullama-core = \{ path = "[^"]+", version = )"[^"]*"/, `$1"=${version}"`)],
];

let stale = [];
for (const [file, edit] of edits) {
  const path = join(root, file);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  if (after === before) continue;
  stale.push(file);
  if (!check) writeFileSync(path, after);
}
if (check) {
  if (stale.length) {
    console.error(`sync-versions: ${stale.join(', ')} not at ${version}; run node tools/release/src/sync-versions.mjs`);
    process.exit(1);
  }
  console.error(`sync-versions: every manifest at ${version}`);
} else {
  if (stale.length) execFileSync('cargo', ['update', '--workspace', '--offline'], { cwd: root, stdio: 'inherit' });
  console.error(`sync-versions: ${version} -> ${stale.length ? stale.join(', ') : 'nothing to change'}`);
}
