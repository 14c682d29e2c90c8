/** The `mullama` command. */
import { CliError, formatError, usage } from './errors.js';
import { embedCommand, EMBED_HELP } from './embed.js';
import { rerankCommand, RERANK_HELP } from './rerank.js';
import { serveCommand, SERVE_HELP } from './serve.js';
import { convertCommand, CONVERT_HELP, listCommand, LIST_HELP, rmCommand, RM_HELP, showCommand, SHOW_HELP } from './storecmds.js';
import { importCommand, IMPORT_HELP, pullCommand, PULL_HELP } from './pull.js';
import { modelsDir } from './store.js';
import { EXIT_STATUS_HELP } from './generated/idl.js';
import { VERSION } from './version.js';

/** The top-level help; a function, as it asks the core for the store's folder. */
const help = () => `mullama ${VERSION}: text embeddings and reranking with GGUF models on llama.cpp

Usage: mullama COMMAND [args]

Commands:
  embed MODEL TEXT...        print embedding vectors (see 'mullama embed --help')
  rerank MODEL QUERY DOC...  score documents against a query with a reranker (cross-encoder)
  serve                      HTTP server: OpenAI /v1/embeddings, Ollama /api/embed, /v1/rerank
  list                       models in the store
  show NAME                  facts about a model (dimension, architecture, sha256, ...)
  rm NAME                    delete a model from the store
  convert HF_DIR             convert a Hugging Face BERT folder (safetensors) into the store
  pull NAME                  download a model into the store
  import --from-ollama [DIR] link models from an Ollama store

MODEL is a .gguf path or a store name; the store is ${modelsDir()}
(set MULLAMA_HOME to move it: \$MULLAMA_HOME/models).

Errors are one line on stderr, \`mullama: CODE: message\`, and the exit status says which:
${EXIT_STATUS_HELP}`;

/** Every command's usage, each written beside the command's own parser; `COMMAND --help` prints it. */
const COMMAND_HELP: Record<string, string> = {
  embed: EMBED_HELP,
  rerank: RERANK_HELP,
  serve: SERVE_HELP,
  list: LIST_HELP,
  ls: LIST_HELP,
  show: SHOW_HELP,
  rm: RM_HELP,
  convert: CONVERT_HELP,
  pull: PULL_HELP,
  import: IMPORT_HELP,
};

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  const wantsHelp = rest.includes('--help') || rest.includes('-h');
  if (wantsHelp && cmd !== undefined && Object.hasOwn(COMMAND_HELP, cmd)) return void process.stdout.write(COMMAND_HELP[cmd]);
  switch (cmd) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(help());
      return;
    case '--version':
    case '-V':
    case 'version':
      process.stdout.write(`mullama ${VERSION}\n`);
      return;
    case 'embed':
      return embedCommand(rest);
    case 'rerank':
      return rerankCommand(rest);
    case 'serve':
      return serveCommand(rest);
    case 'list':
    case 'ls':
      return listCommand(rest);
    case 'rm':
      return rmCommand(rest);
    case 'show':
      return showCommand(rest);
    case 'convert':
      return convertCommand(rest);
    case 'pull':
      return pullCommand(rest);
    case 'import':
      return importCommand(rest);
    default:
      throw usage(`unknown command '${cmd}'; run 'mullama --help'`);
  }
}


process.on('unhandledRejection', (e) => {
  const { line, exitCode } = formatError(e);
  process.stderr.write(line + '\n');
  process.exit(exitCode);
});

main(process.argv.slice(2)).then(
  () => {
    // Native worker threads must not keep the process alive after the command is done.
    if (process.argv[2] !== 'serve') process.exitCode = 0;
  },
  (e: unknown) => {
    const { line, exitCode } = formatError(e);
    process.stderr.write(line + '\n');
    if (process.env.MULLAMA_DEBUG && e instanceof Error && !(e instanceof CliError)) process.stderr.write(`${e.stack}\n`);
    process.exit(exitCode);
  },
);
