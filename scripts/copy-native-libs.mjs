#!/usr/bin/env node
// Copies llama.cpp's shared libraries and CPU backend modules (the `portable` build of
// mullama-core) next to a native module, where its $ORIGIN rpath and src/backends.rs look:
//   node scripts/copy-native-libs.mjs packages/node          (the .node of the npm package)
//   node scripts/copy-native-libs.mjs packages/python-gen/python/mullama   (the wheel's)
// They come from the newest llama-cpp-sys-2 build under target/<triple>/release; stale copies
// in the destination are removed first, so a rebuild never mixes two llama.cpp builds.
import { copyFileSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dest = resolve(process.argv[2] ?? '.');
const triple = process.env.MULLAMA_TARGET ?? 'x86_64-unknown-linux-gnu';
const profile = process.env.MULLAMA_PROFILE ?? 'release';
const targetDir = resolve(root, process.env.CARGO_TARGET_DIR ?? 'target');
const buildDir = join(targetDir, triple, profile, 'build');

/** Is this file one of llama.cpp's shared libraries or backend modules? */
const isNativeLib = (name) => /^lib(llama|ggml)[\w.-]*\.so(\.\d+)*$/.test(name);

function newestOutDir() {
  const outs = existsSync(buildDir)
    ? readdirSync(buildDir)
        .filter((d) => d.startsWith('llama-cpp-sys-2-'))
        .map((d) => join(buildDir, d, 'out'))
        .filter((out) => existsSync(join(out, 'backends')) && existsSync(join(out, 'lib')))
    : [];
  if (outs.length === 0) {
    console.error(`copy-native-libs: no portable llama.cpp build under ${buildDir}; run the cargo build first`);
    process.exit(1);
  }
  return outs.sort((a, b) => statSync(join(b, 'lib')).mtimeMs - statSync(join(a, 'lib')).mtimeMs)[0];
}

const out = newestOutDir();
for (const name of readdirSync(dest)) if (isNativeLib(name)) rmSync(join(dest, name));
let bytes = 0;
const copied = [];
// Of `libggml.so -> libggml.so.0 -> libggml.so.0.26.0` only the soname (what DT_NEEDED names)
// is needed at run time; backend modules are dlopened by their plain `.so` name.
const libs = readdirSync(join(out, 'lib')).filter(isNativeLib);
const sonames = libs.filter((n) => /\.so\.\d+$/.test(n));
const runtimeLibs = sonames.length > 0 ? sonames : libs.filter((n) => n.endsWith('.so'));
const modules = readdirSync(join(out, 'backends')).filter((n) => isNativeLib(n) && n.endsWith('.so'));
for (const [dir, names] of [[join(out, 'lib'), runtimeLibs], [join(out, 'backends'), modules]]) {
  for (const name of names) {
    // copyFileSync follows symlinks: each soname becomes a plain file.
    copyFileSync(join(dir, name), join(dest, name));
    bytes += statSync(join(dest, name)).size;
    copied.push(name);
  }
}
console.error(`copy-native-libs: ${copied.length} files, ${(bytes / 1e6).toFixed(1)} MB -> ${dest}`);
