/** The Node package, loaded on first use (so `--help` and usage errors never load the native addon). */
export type Mullama = typeof import('mullama');

let lib: Promise<Mullama> | undefined;
export function loadMullama(): Promise<Mullama> {
  lib ??= import('mullama');
  return lib;
}
