// The crates as crates.io would deliver them: `cargo package` packs mullama-core and mullama
// (versions on their path dependencies, nothing from the rest of the repository), and a new
// crate outside the workspace that depends on the unpacked packages builds and runs the spec's
// Rust tab. Sharing the workspace's target folder lets it reuse the llama.cpp build, which
// only holds when the packed crates ask llama-cpp-sys-2 for exactly what the workspace does.
import { mkdirSync, mkdtempSync, copyFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, REPO, sh } from './helpers.mjs';

const TRIPLE = 'x86_64-unknown-linux-gnu';
let dir, version, listing;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mullama-release-crates-'));
  version = /\[workspace\.package\][^[]*?\nversion = "([^"]+)"/.exec(sh('cat', [join(REPO, 'Cargo.toml')]))[1];
  // --allow-dirty: a working tree with uncommitted edits packs too (CI's clone is clean).
  // --no-verify: the new crate below is the verification, built in release like a user's.
  sh('cargo', ['package', '--no-verify', '--allow-dirty', '-p', 'mullama-core', '-p', 'mullama'], { cwd: REPO });
  mkdirSync(join(dir, 'crates'));
  listing = {};
  for (const name of ['mullama-core', 'mullama']) {
    const crate = join(REPO, 'target/package', `${name}-${version}.crate`);
    listing[name] = sh('tar', ['-tzf', crate]).split('\n').filter(Boolean);
    sh('tar', ['-xzf', crate, '-C', join(dir, 'crates')]);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the crates', () => {
  it('hold their sources and build script only', () => {
    for (const [name, files] of Object.entries(listing)) {
      const inside = files.map((f) => f.slice(`${name}-${version}/`.length));
      expect(inside).toContain('Cargo.toml');
      expect(inside).toContain('build.rs');
      expect(inside).toContain('src/lib.rs');
      expect(inside.filter((f) => !/^(src\/.*\.rs|examples\/.*\.rs|build\.rs|Cargo\.toml(\.orig)?|Cargo\.lock|\.cargo_vcs_info\.json)$/.test(f))).toEqual([]);
    }
    expect(listing['mullama-core']).toContain(`mullama-core-${version}/src/generated/api.rs`);
  });

  it("a new crate depending on them builds and runs the spec's Rust tab", () => {
    const app = join(dir, 'app');
    mkdirSync(join(app, 'src'), { recursive: true });
    writeFileSync(
      join(app, 'Cargo.toml'),
      [
        '[package]', 'name = "embed-app"', 'version = "0.0.0"', 'edition = "2021"', 'publish = false', '',
        '[dependencies]', `mullama = { path = "../crates/mullama-${version}" }`, '',
        // mullama's packed manifest asks the registry for mullama-core, which is not published.
        '[patch.crates-io]', `mullama-core = { path = "../crates/mullama-core-${version}" }`, '',
        '[workspace]', '',
        // The workspace's release profile: the profile is part of every build hash, so with
        // the same one cargo reuses the workspace's llama.cpp build instead of compiling it
        // again (and llama-cpp-sys-2 cannot place a second build's libraries in one folder).
        '[profile.release]', 'debug = false', 'lto = "thin"', 'codegen-units = 4', '',
      ].join('\n'),
    );
    // The workspace's resolution, so the same dependency versions (and llama.cpp build) are used.
    copyFileSync(join(REPO, 'Cargo.lock'), join(app, 'Cargo.lock'));
    writeFileSync(
      join(app, 'src/main.rs'),
      // spec/embeddings.md, "Basic Embedding Generation", Rust tab, as written, inside a main.
      `fn main() -> Result<(), Box<dyn std::error::Error>> {
    use mullama::{Model, Context, ContextParams};
    use std::sync::Arc;

    let model = Arc::new(Model::load("embedding-model.gguf")?);
    let params = ContextParams { embeddings: true, ..Default::default() };
    #[allow(unused_mut)]
    let mut context = Context::new(model, params)?;

    let embedding = context.get_embedding("Hello, world!")?;
    println!("Dimension: {}", embedding.dimension);
    println!("Vector (first 5): {:?}", &embedding.data[..5]);
    Ok(())
}
`,
    );
    const env = { ...process.env, CARGO_TARGET_DIR: join(REPO, 'target'), CARGO_BUILD_TARGET: TRIPLE, CMAKE_BUILD_PARALLEL_LEVEL: '2' };
    symlinkSync(DEFAULT_MODEL, join(app, 'embedding-model.gguf'));
    // `cargo run`, as a user runs it: cargo puts llama.cpp's shared libraries (portable
    // default) on the loader's path. A binary run on its own needs them beside it (README).
    const out = sh('cargo', ['run', '--release', '--offline', '--quiet'], { cwd: app, env, stdio: ['ignore', 'pipe', 'inherit'] });
    expect(out).toMatch(/^Dimension: 384$/m);
    expect(out).toMatch(/^Vector \(first 5\): \[-?\d/m);
  });
});
