// Every command the top-level help lists answers `--help` with its usage and exit 0; the docs'
// CLI reference page is made of these transcripts.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from './helpers.mjs';

const COMMANDS = ['embed', 'rerank', 'serve', 'list', 'show', 'rm', 'convert', 'pull', 'import'];

describe('mullama COMMAND --help', () => {
  let top;
  beforeAll(async () => {
    top = await run(['--help']);
  });

  it('the top-level help lists every command', () => {
    expect(top.code).toBe(0);
    expect([...top.stdout.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1])).toEqual(COMMANDS);
  });

  it('the top-level help documents one distinct exit status per error code', () => {
    const table = [...top.stdout.matchAll(/^ {2}(\d+) +([A-Z0-9_]+): /gm)].map((m) => [m[2], Number(m[1])]);
    const statuses = table.map(([, n]) => n);
    expect(new Set(statuses).size).toBe(statuses.length);
    // The ones scripts test most, pinned: renumbering them would break those scripts.
    expect(Object.fromEntries(table)).toMatchObject({ INTERNAL: 1, USAGE: 2, MODEL_NOT_FOUND: 3, INPUT_TOO_LONG: 8, INVALID_ARGUMENT: 12, IO: 15 });
    expect(table.length).toBeGreaterThanOrEqual(17);
  });

  it.each(COMMANDS)('%s --help prints its usage', async (cmd) => {
    const r = await run([cmd, '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: mullama ${cmd}\\b`));
  });
});

describe('commands that need no model never load the native addon', () => {
  const env = { NODE_OPTIONS: `--require ${join(import.meta.dirname, 'fixtures', 'no-native.cjs')}` };
  it.each([[['--version']], [['embed', '--help']], [['serve', '--help']], [['embed']], [['rerank', '--help']], [['rerank', 'model', 'query']], [['nosuch']]])('mullama %j', async (args) => {
    const r = await run(args, { env });
    expect(r.stderr).not.toMatch(/native (addon loaded|binding)/);
    expect(r.stdout + r.stderr).toMatch(/mullama/);
  });
  it('the guard works: a command that embeds does load it', async () => {
    const r = await run(['list'], { env });
    // napi's loader reports the failed load in its own words.
    expect(r.stderr).toMatch(/native (addon loaded|binding)/);
  });
});
