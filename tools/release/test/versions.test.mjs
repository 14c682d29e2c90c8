// One version for every artefact: `changeset status` accepts the pending changesets, and a
// dry-run release (changeset version + sync-versions, in a copy of the repository) moves every
// npm manifest, the Cargo workspace (so every crate and the wheel) and the crates' path
// dependencies to the same new version.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, sh } from './helpers.mjs';

const CHANGESET = join(REPO, 'node_modules/.bin/changeset');
const SYNC = join(REPO, 'tools/release/src/sync-versions.mjs');
let copy;

/** The version each manifest of a tree names (npm manifests of the fixed group, crates). */
function versions(root) {
  const npm = {};
  for (const p of ['packages/node', 'packages/cli', 'packages/python-gen', 'packages/rust-crate', 'packages/core-native', 'docs']) {
    npm[p] = JSON.parse(readFileSync(join(root, p, 'package.json'), 'utf8')).version;
  }
  const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8');
  const crate = readFileSync(join(root, 'packages/rust-crate/Cargo.toml'), 'utf8');
  return {
    npm,
    workspace: /\[workspace\.package\][^[]*?\nversion = "([^"]+)"/.exec(cargo)?.[1],
    coreDependency: /mullama-core = \{[^}]*version = "=([^"]+)"/.exec(crate)?.[1],
  };
}

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'mullama-release-version-'));
  // The tracked and new files of the checkout (what a release commit would start from).
  const listed = sh('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: REPO }).split('\0').filter(Boolean);
  for (const f of listed) {
    mkdirSync(dirname(join(copy, f)), { recursive: true });
    try { cpSync(join(REPO, f), join(copy, f)); } catch { /* deleted in the work tree */ }
  }
  symlinkSync(join(REPO, 'node_modules'), join(copy, 'node_modules'), 'dir');
});
afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe('one version', () => {
  it('changeset status accepts the pending changesets', () => {
    expect(() => sh(CHANGESET, ['status'], { cwd: REPO })).not.toThrow();
  });

  it('every manifest names the same version today', () => {
    const v = versions(REPO);
    expect(new Set([...Object.values(v.npm), v.workspace, v.coreDependency]).size).toBe(1);
    expect(() => sh(process.execPath, [SYNC, '--check'], { cwd: REPO })).not.toThrow();
  });

  it('a dry-run release bumps every npm manifest, the crates and the wheel to one new version', () => {
    const before = versions(copy).workspace;
    expect(readdirSync(join(copy, '.changeset')).some((f) => f.endsWith('.md'))).toBe(true);
    sh(CHANGESET, ['version'], { cwd: copy });
    sh(process.execPath, [SYNC, '--root', copy], { cwd: copy });
    const after = versions(copy);
    const all = new Set([...Object.values(after.npm), after.workspace, after.coreDependency]);
    expect(all.size, JSON.stringify(after)).toBe(1);
    expect(after.workspace).not.toBe(before);
    // The wheel's version is the Python binding crate's, which is the workspace's.
    expect(readFileSync(join(copy, 'packages/python-gen/pyproject.toml'), 'utf8')).toMatch(/dynamic = \["version"\]/);
    expect(readFileSync(join(copy, 'packages/python-gen/native/Cargo.toml'), 'utf8')).toMatch(/^version\.workspace = true$/m);
    expect(readFileSync(join(copy, 'packages/node/CHANGELOG.md'), 'utf8')).toContain(after.workspace);
  });
});
