// Drives the built docs site (target/docs-site, from `make docs`) in headless Chromium: every code
// tab on every page must show a visible, non-empty code block in the tab's language, linked tabs
// must switch together, and the site must load nothing from outside (it ships for offline use).
// Env: DOCS_SITE_DIR (default target/docs-site), CHROMIUM_PATH (default /usr/bin/chromium),
// DOCS_SCREENSHOT_DIR (default target/docs-screenshots); relative paths are from the repo root.
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SITE = resolve(ROOT, process.env.DOCS_SITE_DIR ?? 'target/docs-site');
const SHOTS = resolve(ROOT, process.env.DOCS_SCREENSHOT_DIR ?? 'target/docs-screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const EMBEDDINGS = 'guide/embeddings.html';

// What a tab's code must look like, by the start of its label (lower case). A label not listed
// here (say "Output") only needs some visible code.
const LANGUAGES = [
  ['node', /\b(import|const|await|require)\b/],
  ['python', /\b(import|def|print)\b|=/],
  ['rust', /\b(let|use|fn)\b/],
  ['cli', /\b(mullama|curl)\b/],
];
const languageOf = (label) => LANGUAGES.find(([p]) => label.trim().toLowerCase().startsWith(p));

// Pages to test, found at collection time so each gets its own test: the built HTML files with
// a pymdownx.tabbed set (the class attribute, not the word in the theme's bundled scripts).
function htmlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? htmlFiles(join(dir, e.name)) : e.name.endsWith('.html') ? [join(dir, e.name)] : [],
  );
}
const built = existsSync(join(SITE, 'index.html'));
const tabbedPages = built
  ? htmlFiles(SITE)
      .filter((f) => /class="tabbed-set\b/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SITE, f).split(sep).join('/'))
      .sort()
  : [];

// A static file server on an ephemeral port: file:// URLs would hide what a real host does
// (content types, 404s, the theme's fetches) and make "only 127.0.0.1" meaningless.
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
  '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml', '.gz': 'application/gzip', '.map': 'application/json',
};
function serve(root) {
  const server = createServer(async (req, res) => {
    try {
      let path = resolve(root, '.' + decodeURIComponent(new URL(req.url, 'http://x').pathname));
      if (path !== root && !path.startsWith(root + sep)) throw new Error('outside the site');
      if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) path = join(path, 'index.html');
      const body = await readFile(path);
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

let server, browser, origin;

beforeAll(async () => {
  if (!built) return;
  server = await serve(SITE);
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((ok) => (server ? server.close(ok) : ok()));
});

// Opens a page, recording console errors, uncaught exceptions, failed requests and any request
// that leaves 127.0.0.1 (those are aborted, so a stray CDN link fails here, not in a user's hands).
async function open(path) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  const problems = [];
  await page.setRequestInterception(true);
  page.on('request', (r) => {
    const url = r.url();
    if (url.startsWith(origin + '/') || /^(data|blob):/.test(url)) return r.continue();
    problems.push(`request outside the site: ${url}`);
    r.abort();
  });
  page.on('requestfailed', (r) => {
    if (r.url().startsWith(origin)) problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
  });
  page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`${origin}/${path}`, { waitUntil: 'networkidle0' });
  return { page, problems };
}

// For the tab set `index` on the page: every label and whether its panel is displayed, with the
// text of the panel's visible code elements.
function readSet(page, index) {
  return page.evaluate((i) => {
    const set = document.querySelectorAll('.tabbed-set')[i];
    const labels = [...set.querySelectorAll(':scope > .tabbed-labels > label')];
    const blocks = [...set.querySelectorAll(':scope > .tabbed-content > .tabbed-block')];
    const shown = (el) => {
      const box = el.getBoundingClientRect();
      return getComputedStyle(el).display !== 'none' && getComputedStyle(el).visibility !== 'hidden' && box.width > 0 && box.height > 0;
    };
    return labels.map((label, n) => ({
      label: label.textContent.trim(),
      visible: !!blocks[n] && shown(blocks[n]),
      code: blocks[n] ? [...blocks[n].querySelectorAll('code')].filter(shown).map((c) => c.textContent.trim()).filter(Boolean) : [],
    }));
  }, index);
}

// Clicks the label like a user (real mouse event; puppeteer scrolls it into view first).
async function clickTab(page, setIndex, labelIndex) {
  const handle = await page.evaluateHandle(
    (i, n) => document.querySelectorAll('.tabbed-set')[i].querySelectorAll(':scope > .tabbed-labels > label')[n],
    setIndex, labelIndex,
  );
  const label = handle.asElement();
  await label.click();
  await label.dispose();
  await page.waitForFunction(
    (i, n) => document.querySelectorAll('.tabbed-set')[i].querySelectorAll(':scope > input')[n].checked,
    { timeout: 5000 }, setIndex, labelIndex,
  );
}

// Asserts that only tab `selected` of the set shows, and its code reads as the label's language.
function expectShowing(tabs, selected, where) {
  tabs.forEach((tab, n) => expect(tab.visible, `${where}: tab "${tab.label}" ${n === selected ? 'hidden' : 'shown'}`).toBe(n === selected));
  const tab = tabs[selected];
  expect(tab.code.length, `${where}: tab "${tab.label}" shows no code`).toBeGreaterThan(0);
  const lang = languageOf(tab.label);
  if (lang) expect(tab.code.join('\n'), `${where}: tab "${tab.label}" code is not ${lang[0]}`).toMatch(lang[1]);
}

test('the site is built', () => {
  expect(built, `${join(SITE, 'index.html')} is missing: run \`make docs\` first`).toBe(true);
  expect(tabbedPages.length, 'no built page has code tabs').toBeGreaterThan(0);
  expect(tabbedPages, `${EMBEDDINGS} has no code tabs`).toContain(EMBEDDINGS);
});

describe.each(tabbedPages)('%s', (path) => {
  test('every tab shows its own code, and nothing loads from outside 127.0.0.1', async () => {
    const { page, problems } = await open(path);
    try {
      const sets = await page.$$eval('.tabbed-set', (s) => s.length);
      for (let i = 0; i < sets; i++) {
        const count = (await readSet(page, i)).length;
        expect(count, `${path}: tab set ${i + 1} has no labels`).toBeGreaterThan(0);
        for (let n = 0; n < count; n++) {
          await clickTab(page, i, n);
          expectShowing(await readSet(page, i), n, `${path} set ${i + 1}`);
        }
      }
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe.runIf(tabbedPages.includes(EMBEDDINGS))(EMBEDDINGS, () => {
  // content.tabs.link: choosing a language in one set switches every set with that label.
  test.each(['Python', 'Rust'])('clicking %s in the first set switches every tab set', async (language) => {
    const { page, problems } = await open(EMBEDDINGS);
    try {
      const sets = await page.$$eval('.tabbed-set', (s) => s.length);
      expect(sets, 'the linked-tabs check needs two tab sets or more').toBeGreaterThan(1);
      const first = (await readSet(page, 0)).findIndex((t) => t.label === language);
      expect(first, `no ${language} tab in the first set`).toBeGreaterThanOrEqual(0);
      // Start elsewhere (the choice persists in localStorage between pages) so the click matters.
      await clickTab(page, 0, first === 0 ? 1 : 0);
      await clickTab(page, 0, first);
      for (let i = 0; i < sets; i++) {
        const tabs = await readSet(page, i);
        const n = tabs.findIndex((t) => t.label === language);
        expect(n, `${EMBEDDINGS}: tab set ${i + 1} has no ${language} tab`).toBeGreaterThanOrEqual(0);
        expectShowing(tabs, n, `${EMBEDDINGS} set ${i + 1} after clicking ${language}`);
      }
      await page.evaluate(() => window.scrollTo(0, 0));
      mkdirSync(SHOTS, { recursive: true });
      const file = join(SHOTS, `embeddings-${language.toLowerCase()}.png`);
      await page.screenshot({ path: file, fullPage: true });
      expect(statSync(file).size, `${file} is suspiciously small`).toBeGreaterThan(10 * 1024);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
