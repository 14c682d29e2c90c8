#!/usr/bin/env node
// Packs the npm package `mullama` as the registry would deliver it: the library (TypeScript
// layer, napi binding, the addon and llama.cpp's shared libraries with every CPU backend) and
// the `mullama` command (packages/cli's bundle), so one `npm install mullama` gives both.
//
// The workspace's packages/node/package.json is the development manifest; the published one is
// derived from it here (no scripts, devDependencies or nx config; a `bin`; the files below), in
// a staging folder, and `npm pack` makes the tarball from that. The staging copy keeps the
// command's bundle out of the workspace package, whose dependents would otherwise get a bin
// link to a file that exists only after a build.
//
//   node tools/release/src/pack-npm.mjs [OUT_DIR]    prints the tarball's path on stdout
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const nodePkg = join(root, 'packages/node');
const cliPkg = join(root, 'packages/cli');
const outDir = resolve(process.argv[2] ?? join(root, 'target/release/npm'));
const stage = join(outDir, 'stage', 'mullama');

function need(path, hint) {
  if (!existsSync(path)) {
    console.error(`pack-npm: ${path} is missing; ${hint}`);
    process.exit(1);
  }
}
need(join(nodePkg, 'dist/index.mjs'), 'build the Node package first (corepack pnpm --filter mullama run build)');
need(join(cliPkg, 'dist/cli.mjs'), 'build the CLI first (corepack pnpm --filter @mullama/cli run build)');
const natives = readdirSync(nodePkg).filter((n) => n.endsWith('.node') || /\.so(\.\d+)?$/.test(n));
if (!natives.some((n) => n.endsWith('.node')) || !natives.some((n) => n.includes('ggml-cpu'))) {
  console.error('pack-npm: packages/node has no addon or no CPU backend modules; run its build:native');
  process.exit(1);
}

rmSync(stage, { recursive: true, force: true });
mkdirSync(join(stage, 'cli'), { recursive: true });
cpSync(join(nodePkg, 'dist'), join(stage, 'dist'), { recursive: true });
for (const f of ['binding.cjs', 'binding.d.cts', 'README.md', ...natives]) copyFileSync(join(nodePkg, f), join(stage, f));
// The command imports `mullama`, which inside the published package is the package itself
// (Node resolves a package's own name through its "exports").
copyFileSync(join(cliPkg, 'dist/cli.mjs'), join(stage, 'cli/mullama.mjs'));

const dev = JSON.parse(readFileSync(join(nodePkg, 'package.json'), 'utf8'));
const { scripts, devDependencies, nx, files, napi, ...published } = dev;
Object.assign(published, {
  bin: { mullama: 'cli/mullama.mjs' },
  files: ['dist', 'cli', 'binding.cjs', 'binding.d.cts', '*.node', '*.so', '*.so.*', 'README.md'],
  // The addon and libraries in this tarball are Linux x86-64 (glibc) builds. Other platforms
  // get their own tarballs from the same pack on their build machines (napi.targets).
  os: ['linux'],
  cpu: ['x64'],
  napi,
});
writeFileSync(join(stage, 'package.json'), JSON.stringify(published, null, 2) + '\n');

const out = execFileSync('npm', ['pack', '--json', '--pack-destination', outDir], { cwd: stage, encoding: 'utf8' });
const [info] = JSON.parse(out);
const mb = (n) => (n >= 1e5 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(1)} kB`);
console.error(`pack-npm: ${info.filename}: ${info.entryCount} files, ${mb(info.size)} packed, ${mb(info.unpackedSize)} unpacked`);
for (const f of info.files.sort((a, b) => b.size - a.size)) console.error(`  ${mb(f.size).padStart(8)}  ${f.path}`);
console.log(join(outDir, info.filename));
