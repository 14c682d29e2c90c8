// Every command the top-level help lists answers `--help` with its usage and exit 0; the docs'
// CLI reference page is made of these transcripts.
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from './helpers.mjs';

const COMMANDS = ['embed', 'serve', 'list', 'show', 'rm', 'convert', 'pull', 'import'];

describe('mullama COMMAND --help', () => {
  let top;
  beforeAll(async () => {
    top = await run(['--help']);
  });

  it('the top-level help lists every command', () => {
    expect(top.code).toBe(0);
    expect([...top.stdout.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1])).toEqual(COMMANDS);
  });

  it.each(COMMANDS)('%s --help prints its usage', async (cmd) => {
    const r = await run([cmd, '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: mullama ${cmd}\\b`));
  });
});
