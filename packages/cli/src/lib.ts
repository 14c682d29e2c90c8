/** The Node package, loaded on first use: `--version`, usage errors and each command's `--help`
 * never load the native addon (the top-level `--help` does, to print the store's folder). */
export type Mullama = typeof import('mullama');

let lib: Promise<Mullama> | undefined;
export function loadMullama(): Promise<Mullama> {
  lib ??= import('mullama');
  return lib;
}
