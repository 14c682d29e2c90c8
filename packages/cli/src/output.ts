/** Output helpers: compact float32 printing and stdout writes that respect back-pressure. */
import { loadedMullama } from './lib.js';

/** A number as the shortest decimal that reads back as the same float32 (non-finite -> null). */
export function f32(x: number): string {
  return vectorJson([x]).slice(1, -1);
}

/** A vector as a JSON array with float32 precision, by the core's formatter (`vectorToJson`):
 * every surface spells vectors the same way, and it is ~10x faster than a JavaScript loop. */
export function vectorJson(v: Float32Array | number[]): string {
  return loadedMullama().vectorToJson(v);
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
