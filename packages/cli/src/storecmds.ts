/** `mullama list`, `rm`, `show`, `convert`. */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CliError, usage } from './errors.js';
import { loadMullama } from './lib.js';
import { out } from './output.js';
import { choice, idlChoice } from './embed.js';
import { ConvertType_VALUES, parseConvertType } from './generated/idl.js';
import { formatBytes, listStore, modelsDir, requireModel, storePath } from './store.js';

export const LIST_HELP = 'Usage: mullama list [--format text|json]\n\nLists the models in the store: name, size, date modified.\n';
export const SHOW_HELP =
  'Usage: mullama show NAME [--format text|json]\n\nFacts about a model: path, architecture, dimension, context length, pooling, size, sha256, and\nits fingerprint (the model part of the space id of every embedding).\n';
export const RM_HELP = 'Usage: mullama rm NAME...\n\nDeletes models from the store.\n';
export const CONVERT_HELP =
  `Usage: mullama convert HF_DIR [--type ${ConvertType_VALUES.join('|')}] [--name NAME] [--force]\n\n` +
  'Converts a Hugging Face BERT-family folder (config.json, tokenizer, safetensors) into the store.\n' +
  '  --type T     output type (default f16)\n  --name NAME  store name (default: the folder name)\n  --force      replace an existing model\n';

export async function listCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { format: { type: 'string' } } });
  if (positionals.length) throw usage('list takes no arguments');
  const format = choice('format', values.format, ['text', 'json']) ?? 'text';
  const entries = listStore();
  if (format === 'json') {
    await out(JSON.stringify({ dir: modelsDir(), models: entries.map((e) => ({ name: e.name, path: e.path, size: e.size, modified: e.modified.toISOString() })) }) + '\n');
    return;
  }
  if (!entries.length) {
    process.stderr.write(`no models in ${modelsDir()}\n`);
    return;
  }
  const w = Math.max(4, ...entries.map((e) => e.name.length));
  let s = `${'NAME'.padEnd(w)}  ${'SIZE'.padStart(10)}  MODIFIED\n`;
  for (const e of entries) s += `${e.name.padEnd(w)}  ${formatBytes(e.size).padStart(10)}  ${e.modified.toISOString().slice(0, 19).replace('T', ' ')}\n`;
  await out(s);
}

export async function rmCommand(argv: string[]): Promise<void> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  if (!positionals.length) throw usage('rm needs a model NAME');
  for (const name of positionals) {
    const path = storePath(name);
    let found = false;
    for (const p of [path, `${path}.partial`]) {
      try {
        unlinkSync(p);
        found = true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new CliError('IO', `cannot remove ${p}: ${(e as Error).message}`);
      }
    }
    if (!found) throw new CliError('MODEL_NOT_FOUND', `model '${name}' is not in the store (${path})`);
    await out(`deleted '${name}'\n`);
  }
}

export function sha256File(path: string): Promise<string> {
  return new Promise((res, rej) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => h.update(c))
      .on('error', (e) => rej(new CliError('IO', `cannot read ${path}: ${e.message}`)))
      .on('end', () => res(h.digest('hex')));
  });
}

export async function showCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { format: { type: 'string' } } });
  if (positionals.length !== 1) throw usage('show needs one model NAME (or a path)');
  const format = choice('format', values.format, ['text', 'json']) ?? 'text';
  const path = requireModel(positionals[0]);
  const { Model } = await loadMullama();
  const [model, sha256] = await Promise.all([Model.load(path), sha256File(path)]);
  const info = model.info;
  const size = statSync(path).size;
  const facts = {
    name: positionals[0],
    path,
    architecture: info.architecture,
    general_name: info.name ?? null,
    dimension: info.dimension,
    context_length: info.contextLength,
    pooling: info.nativePooling ?? null,
    max_seq_length: info.maxSeqLength ?? null,
    default_length: info.defaultLength,
    default_pooling: info.defaultPooling,
    default_normalize: info.defaultNormalize,
    query_prompt: info.queryPrompt ?? null,
    document_prompt: info.documentPrompt ?? null,
    default_prompt: info.defaultPrompt ?? null,
    encoder: info.isEncoder,
    reranker: info.isReranker,
    vocab_size: info.vocabSize,
    parameters: info.parameters,
    size,
    sha256,
    fingerprint: info.fingerprint,
  };
  if (format === 'json') {
    await out(JSON.stringify(facts) + '\n');
    return;
  }
  await out(
    [
      `name            ${facts.name}`,
      `path            ${path}`,
      `architecture    ${facts.architecture}`,
      ...(info.name ? [`general.name    ${info.name}`] : []),
      `dimension       ${facts.dimension}`,
      `context length  ${facts.context_length}`,
      // A reranker's pooling is its classification head: it ranks pairs and embeds nothing.
      ...(info.isReranker
        ? ['pooling         rank (a reranker: mullama rerank)']
        : [
            `pooling         ${facts.pooling ?? 'none (decoder; mean by default)'}`,
            `default length  ${facts.default_length} tokens${info.maxSeqLength ? ' (sentence-transformers max_seq_length)' : ''}`,
            `normalize       ${facts.default_normalize ? 'yes' : 'no'} by default`,
          ]),
      // JSON strings: a prompt's trailing space (`query: `) must show.
      ...(info.queryPrompt ? [`query prompt    ${JSON.stringify(info.queryPrompt)}`] : []),
      ...(info.documentPrompt ? [`document prompt ${JSON.stringify(info.documentPrompt)}`] : []),
      ...(info.defaultPrompt ? [`default prompt  ${JSON.stringify(info.defaultPrompt)}`] : []),
      `encoder         ${facts.encoder ? 'yes' : 'no'}`,
      `vocab size      ${facts.vocab_size}`,
      `parameters      ${facts.parameters}`,
      `size            ${formatBytes(size)} (${size} bytes)`,
      `sha256          ${sha256}`,
      `fingerprint     ${info.fingerprint}`,
    ].join('\n') + '\n',
  );
}

export async function convertCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { type: { type: 'string' }, name: { type: 'string' }, force: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw usage('convert needs one Hugging Face model folder (HF_DIR)');
  const dir = resolve(positionals[0]);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError('MODEL_NOT_FOUND', `no such folder: ${dir}`);
  const type = idlChoice('type', values.type, parseConvertType, ConvertType_VALUES) ?? 'f16';
  const name = values.name ?? basename(dir).toLowerCase();
  const dest = storePath(name);
  if (existsSync(dest) && !values.force) throw new CliError('INVALID_ARGUMENT', `model '${name}' already exists (${dest}); pass --force to replace it or --name to choose another name`);
  mkdirSync(modelsDir(), { recursive: true });
  const tmp = `${dest}.partial`;
  const { convertModel, ConvertType } = await loadMullama();
  try {
    const report = await convertModel(dir, tmp, { type: type as (typeof ConvertType)[keyof typeof ConvertType], name });
    renameSync(tmp, dest);
    await out(`converted ${dir} -> ${dest} (${report.architecture}, ${report.dimension} dims, ${report.tensors} tensors, ${report.type}, ${formatBytes(report.bytesWritten)})\n`);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
