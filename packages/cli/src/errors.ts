/** Errors the CLI reports: one line on stderr, `mullama: CODE: message`, and an exit status. */
export class CliError extends Error {
  readonly code: string;
  readonly exitCode: number;

  constructor(code: string, message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** A usage error (bad flag, missing argument): exit status 2. */
export function usage(message: string): CliError {
  return new CliError('USAGE', message, 2);
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
  if (code?.startsWith('ERR_PARSE_ARGS')) return { line: `mullama: USAGE: ${message}`, exitCode: 2 };
  return { line: `mullama: ${code ?? 'ERROR'}: ${message}`, exitCode: 1 };
}
