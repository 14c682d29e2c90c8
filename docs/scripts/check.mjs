// The docs check, run by scripts/test.sh after the snippet runners:
//  1. every tab of every page is one of Node.js, Python, Rust, CLI, in that order, and holds
//     exactly one code block that includes exactly one snippet region of its own language.
//     The one exception is an integration that exists in one language only: a tab set may be a
//     single "Python" tab when the line before it (blank lines aside) is the HTML comment
//     `<!-- python only: WHY -->` (guide/ray.md: Ray Data is a Python library, with no Node.js,
//     Rust or `mullama` command API).
//     The comment says on the page, to whoever edits it, why the other tabs are missing; it may
//     stand before such a set only, and a lone Python tab without it still fails;
//  2. each included region exists and its file ran and passed in this test run (the ledger that
//     test/snippets.test.mjs and test/test_snippets.py write); a tab that was not executed fails;
//  3. every region of every snippet file is shown on some page (no dead snippets);
//  4. every public API item (docs/api-items.json, generated from the IDL) is used in a region of
//     every language, and every CLI command in one CLI region.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const DOCS = fileURLToPath(new URL('..', import.meta.url));
const ROOT = join(DOCS, '..');
const PAGES = join(DOCS, 'pages');
const SNIPPETS = join(DOCS, 'snippets');
const LEDGER = join(ROOT, 'target', 'docs-ledger');
const TABS = [['Node.js', 'node'], ['Python', 'python'], ['Rust', 'rust'], ['CLI', 'cli']];
const PYTHON_ONLY = /^<!-- python only: (\S.*\S) -->$/;
// Commands that need a remote registry or an Ollama install; packages/cli tests them on loopback.
const CLI_NOT_IN_DOCS = new Set(['pull', 'import']);

const errors = [];
const fail = (where, message) => errors.push(`${where}: ${message}`);
const walk = (dir, ext) => readdirSync(dir, { recursive: true }).filter((f) => f.endsWith(ext)).map((f) => join(dir, f));

/** Regions of a snippet file: name -> text between its start and end markers. */
function regions(file) {
  const found = new Map();
  const re = /--8<-- \[start:([\w-]+)\][^\n]*\n([\s\S]*?)\n[^\n]*--8<-- \[end:\1\]/g;
  for (const m of readFileSync(file, 'utf8').matchAll(re)) found.set(m[1], m[2]);
  return found;
}

// Snippet files, by language; the Rust ones are the examples of the docs/snippets/rust crate.
const snippetFiles = {
  node: walk(join(SNIPPETS, 'node'), '.mjs'),
  python: walk(join(SNIPPETS, 'python'), '.py'),
  rust: walk(join(SNIPPETS, 'rust', 'examples'), '.rs'),
  cli: walk(join(SNIPPETS, 'cli'), '.sh'),
};
const ledgerName = (lang, file) => relative(join(SNIPPETS, lang), file).replaceAll('/', '__');
const included = new Set(); // "file#region"
let tabCount = 0;

// 1 + 2: the pages (the generated API reference under api/node has no tabs to check).
for (const page of walk(PAGES, '.md').filter((p) => !p.includes(`${join('api', 'node')}`))) {
  const where = relative(ROOT, page);
  const lines = readFileSync(page, 'utf8').split('\n');
  let set = [];
  let pythonOnly = false; // the set was announced by a `<!-- python only: WHY -->` line
  const closeSet = (line) => {
    if (pythonOnly && set.join() !== 'Python') fail(`${where}:${line}`, `"<!-- python only: ... -->" is followed by ${set.length ? `the tab set [${set.join(', ')}]` : 'no tab set'}; it stands before a single Python tab only`);
    else if (!pythonOnly && set.length && set.join() !== TABS.map(([label]) => label).join()) fail(`${where}:${line}`, `tab set is [${set.join(', ')}]; every example has the four tabs ${TABS.map(([l]) => l).join(', ')} (a Python-only integration: "<!-- python only: WHY -->" on the line before a single Python tab)`);
    set = [];
    pythonOnly = false;
  };
  for (let i = 0; i < lines.length; i++) {
    const tab = /^(\s*)=== "([^"]+)"/.exec(lines[i]);
    if (!tab) {
      if (lines[i].trim() && !/^\s/.test(lines[i])) {
        closeSet(i + 1);
        pythonOnly = PYTHON_ONLY.test(lines[i].trimEnd()); // it announces the set that starts next
      }
      continue;
    }
    const [, indent, label] = tab;
    set.push(label);
    tabCount++;
    const body = [];
    for (let j = i + 1; j < lines.length && (!lines[j].trim() || lines[j].startsWith(`${indent}    `)); j++) body.push(lines[j].trim());
    const lang = TABS.find(([l]) => l === label)?.[1];
    const at = `${where}:${i + 1} (${label})`;
    if (!lang) {
      fail(at, 'unknown tab label');
      continue;
    }
    const text = body.filter(Boolean);
    const fences = text.filter((l) => l.startsWith('```')).length;
    const includes = text.map((l) => /^--8<-- "([^"]+)"$/.exec(l)).filter(Boolean);
    if (fences !== 2 || includes.length !== 1 || text.length !== 3) {
      fail(at, 'a tab holds one code block made of one snippet include (code written inline is not executed)');
      continue;
    }
    const m = /^([a-z]+)\/(.+):([\w-]+)$/.exec(includes[0][1]);
    if (!m || m[1] !== lang) {
      fail(at, `include "${includes[0][1]}" is not a region of a docs/snippets/${lang}/ file`);
      continue;
    }
    const file = join(SNIPPETS, m[1], m[2]);
    if (!existsSync(file) || !regions(file).has(m[3])) {
      fail(at, `no region "${m[3]}" in ${relative(ROOT, file)}`);
      continue;
    }
    included.add(`${file}#${m[3]}`);
    if (!existsSync(join(LEDGER, lang, ledgerName(lang, file)))) fail(at, `${relative(ROOT, file)} did not run and pass in this test run`);
  }
  closeSet(lines.length);
}

// 3: no snippet file unexecuted, no region unshown.
for (const [lang, list] of Object.entries(snippetFiles)) {
  for (const file of list) {
    if (!existsSync(join(LEDGER, lang, ledgerName(lang, file)))) fail(relative(ROOT, file), 'did not run and pass in this test run');
    const names = [...regions(file).keys()];
    if (!names.length) fail(relative(ROOT, file), 'has no region');
    for (const name of names) if (!included.has(`${file}#${name}`)) fail(relative(ROOT, file), `region "${name}" is on no page`);
  }
}

// 4: API coverage, per language, over region text only (set-up and checks do not count).
const regionText = Object.fromEntries(
  Object.entries(snippetFiles).map(([lang, list]) => [lang, list.flatMap((f) => [...regions(f).values()]).join('\n')]),
);
const { items } = JSON.parse(readFileSync(join(DOCS, 'api-items.json'), 'utf8'));
for (const item of items) {
  for (const lang of ['node', 'python', 'rust']) {
    if (!item.uses[lang].some((u) => new RegExp(u).test(regionText[lang]))) fail(`API ${item.kind} ${item.id}`, `used in no ${lang} snippet (looked for /${item.uses[lang].join('/ or /')}/)`);
  }
}
// The commands as the CLI reference lists them (generated from `mullama --help`, and checked
// current by `reference.mjs --check` before this runs).
const cliReference = readFileSync(join(PAGES, 'api', 'cli.md'), 'utf8');
const commands = [...cliReference.matchAll(/^## `mullama ([a-z]+)`$/gm)].map((m) => m[1]);
if (!commands.length) fail('docs/pages/api/cli.md', 'lists no commands');
for (const cmd of commands) {
  if (!CLI_NOT_IN_DOCS.has(cmd) && !new RegExp(`\\bmullama ${cmd}\\b`).test(regionText.cli)) fail(`CLI command ${cmd}`, 'used in no CLI snippet');
}

if (errors.length) {
  console.error(`docs check failed:\n  ${errors.join('\n  ')}`);
  process.exit(1);
}
const regionCount = Object.values(snippetFiles).flat().reduce((n, f) => n + regions(f).size, 0);
console.log(`docs check: ${tabCount} tabs include ${included.size} regions of ${regionCount}, all executed; ${items.length} API items used in Node.js, Python and Rust; ${commands.length - CLI_NOT_IN_DOCS.size} CLI commands shown`);
