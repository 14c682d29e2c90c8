/** Output helpers: compact float32 printing and stdout writes that respect back-pressure. */

/** The shortest decimal that reads back as the same float32 (JSON-safe: non-finite -> null). */
export function f32(x: number): string {
  if (!Number.isFinite(x)) return 'null';
  if (x === 0) return '0';
  for (let p = 6; p < 9; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) return String(Number(s));
  }
  return String(Number(x.toPrecision(9)));
}

/** A vector as a JSON array with float32 precision. */
export function vectorJson(v: ArrayLike<number>): string {
  let s = '[';
  for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + f32(v[i]);
  return s + ']';
}

let broken = false;
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  // A closed pipe (`mullama embed ... | head`): stop quietly.
  if (e.code === 'EPIPE') {
    broken = true;
    process.exit(0);
  }
  throw e;
});

/** Writes to stdout, waiting for 'drain' when the buffer is full. */
export function out(s: string): Promise<void> | void {
  if (broken) return;
  if (!process.stdout.write(s)) return new Promise((r) => process.stdout.once('drain', r));
}
