import { EXIT_STATUS } from './generated/idl.js';

/** The exit status of a failure with `code` (the IDL's `@exit` tags): one per code, so that a
 * script can tell a missing model (3) from text that is too long (8) without parsing stderr. */
export function exitStatusOf(code: string | undefined): number {
  return (code !== undefined && EXIT_STATUS[code]) || EXIT_STATUS.INTERNAL;
}

/** Errors the CLI reports: one line on stderr, `mullama: CODE: message`, and an exit status. */
export class CliError extends Error {
  readonly code: string;
  readonly exitCode: number;

  constructor(code: string, message: string, exitCode = exitStatusOf(code)) {
    super(message);
    this.name = 'CliError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** A usage error (bad flag, missing argument). */
export function usage(message: string): CliError {
  return new CliError('USAGE', message);
}

/** The `code` of a MullamaError (or any error with a string code), else undefined. */
export function errorCode(e: unknown): string | undefined {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

/** One line, no stack trace. */
export function formatError(e: unknown): { line: string; exitCode: number } {
  if (e instanceof CliError) return { line: `mullama: ${e.code}: ${e.message}`, exitCode: e.exitCode };
  const code = errorCode(e);
  const message = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  if (code?.startsWith('ERR_PARSE_ARGS')) return { line: `mullama: USAGE: ${message}`, exitCode: exitStatusOf('USAGE') };
  // A code of ours (the core's, through the npm package) keeps its status; anything else is a bug.
  if (code !== undefined && code in EXIT_STATUS) return { line: `mullama: ${code}: ${message}`, exitCode: exitStatusOf(code) };
  return { line: `mullama: INTERNAL: ${code ? `${code}: ` : ''}${message}`, exitCode: exitStatusOf('INTERNAL') };
}
