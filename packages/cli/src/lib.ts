/** The Node package, loaded on first use: `--version`, usage errors and each command's `--help`
 * never load the native addon (the top-level `--help` does, to print the store's folder). */
export type Mullama = typeof import('mullama');

let lib: Promise<Mullama> | undefined;
let loaded: Mullama | undefined;
export function loadMullama(): Promise<Mullama> {
  lib ??= import('mullama').then((m) => (loaded = m));
  return lib;
}

/** The package once `loadMullama` has resolved: for code that only runs on its results. */
export function loadedMullama(): Mullama {
  if (!loaded) throw new Error('internal: the mullama package is used before loadMullama()');
  return loaded;
}
