// Runs every Node.js, Rust and CLI snippet file under docs/snippets/ as a reader would run it
// (the Python ones are run by test_snippets.py with pytest). A file passes when it exits 0:
// the lines after each region assert what the region printed or computed.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, SNIPPETS, makeWorkdir, recordPass } from './workdir.mjs';

const TIMEOUT = 180_000;
const EXAMPLES = join(ROOT, 'target', 'x86_64-unknown-linux-gnu', 'release', 'examples');

function files(dir, ext) {
  return readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith(ext))
    .sort();
}

function run(cmd, args, { cwd, env }) {
  try {
    return execFileSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: TIMEOUT, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${e.status ?? e.signal}):\n${e.stdout}\n${e.stderr}`);
  }
}

// The Node Chroma example talks to a Chroma server on localhost:8000, as `chroma run` starts it.
let chroma;
let chromaDir;
beforeAll(async () => {
  chromaDir = mkdtempSync(join(tmpdir(), 'mullama-docs-chroma-'));
  chroma = spawn(join(ROOT, '.venv/bin/chroma'), ['run', '--path', chromaDir, '--host', '127.0.0.1', '--port', '8000'], {
    env: { ...process.env, ANONYMIZED_TELEMETRY: 'False' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  chroma.stderr.on('data', (d) => (stderr += d));
  for (let i = 0; ; i++) {
    const up = await fetch('http://127.0.0.1:8000/api/v2/heartbeat').then((r) => r.ok, () => false);
    if (up) break;
    if (i > 150 || chroma.exitCode !== null) throw new Error(`chroma run did not start on port 8000:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}, 60_000);
afterAll(() => {
  chroma?.kill();
  rmSync(chromaDir, { recursive: true, force: true });
});

describe('Node.js snippets', () => {
  it.each(files(join(SNIPPETS, 'node'), '.mjs'))('%s', (file) => {
    const { dir, env } = makeWorkdir();
    run(process.execPath, [join(SNIPPETS, 'node', file)], { cwd: dir, env });
    recordPass('node', file);
    rmSync(dir, { recursive: true, force: true });
  }, TIMEOUT);
});

describe('Rust snippets (the docs/snippets/rust examples crate)', () => {
  beforeAll(() => {
    run('cargo', ['build', '--release', '--quiet', '-p', 'mullama-docs-snippets', '--examples'], { cwd: ROOT, env: process.env });
  }, 900_000);

  it.each(files(join(SNIPPETS, 'rust', 'examples'), '.rs'))('%s', (file) => {
    const { dir, env } = makeWorkdir();
    run(join(EXAMPLES, file.replace(/\.rs$/, '')), [], { cwd: dir, env });
    recordPass('rust', `examples/${file}`);
    rmSync(dir, { recursive: true, force: true });
  }, TIMEOUT);
});

/**
 * A CLI snippet is a bash script. Each region's standard output is captured into $OUTPUT for the
 * check lines after it; everything else (set-up before, checks after) runs as written.
 */
function cliScript(text) {
  return text
    .replace(/^# --8<-- \[start:[\w-]+\]$/gm, '{')
    .replace(/^# --8<-- \[end:[\w-]+\]$/gm, '} > "$OUTPUT"');
}

describe('CLI snippets', () => {
  it.each(files(join(SNIPPETS, 'cli'), '.sh'))('%s', (file) => {
    const { dir, env } = makeWorkdir();
    const script = join(dir, 'snippet.sh');
    writeFileSync(script, `set -euo pipefail\n${cliScript(readFileSync(join(SNIPPETS, 'cli', file), 'utf8'))}`);
    run('bash', [script], { cwd: dir, env: { ...env, OUTPUT: join(dir, 'output.txt') } });
    expect(readFileSync(join(dir, 'output.txt'), 'utf8').length).toBeGreaterThan(0);
    recordPass('cli', file);
    rmSync(dir, { recursive: true, force: true });
  }, TIMEOUT);
});


