/** The `mullama` command. */
import { CliError, formatError, usage } from './errors.js';
import { embedCommand, EMBED_HELP } from './embed.js';
import { serveCommand, SERVE_HELP } from './serve.js';
import { convertCommand, listCommand, rmCommand, showCommand } from './storecmds.js';
import { importCommand, pullCommand, PULL_HELP } from './pull.js';
import { modelsDir } from './store.js';

const VERSION = '0.1.0';

const HELP = `mullama ${VERSION}: text embeddings with GGUF models on llama.cpp

Usage: mullama COMMAND [args]

Commands:
  embed MODEL TEXT...        print embedding vectors (see 'mullama embed --help')
  serve                      HTTP server: OpenAI /v1/embeddings and Ollama /api/embed
  list                       models in the store
  show NAME                  facts about a model (dimension, architecture, sha256, ...)
  rm NAME                    delete a model from the store
  convert HF_DIR             convert a Hugging Face BERT folder (safetensors) into the store
  pull NAME                  download a model into the store
  import --from-ollama [DIR] link models from an Ollama store

MODEL is a .gguf path or a store name; the store is ${modelsDir()}
(set MULLAMA_HOME to move it: \$MULLAMA_HOME/models).
`;

/** `--help` of the store commands, whose parsers are small enough not to carry their own. */
const COMMAND_HELP: Record<string, string> = {
  list: 'Usage: mullama list [--format text|json]\n\nLists the models in the store: name, size, date modified.\n',
  show: 'Usage: mullama show NAME [--format text|json]\n\nFacts about a model: path, architecture, dimension, context length, pooling, size, sha256.\n',
  rm: 'Usage: mullama rm NAME...\n\nDeletes models from the store.\n',
  convert:
    'Usage: mullama convert HF_DIR [--type f16|q8_0|f32] [--name NAME] [--force]\n\n' +
    'Converts a Hugging Face BERT-family folder (config.json, tokenizer, safetensors) into the store.\n' +
    '  --type T     output type (default f16)\n  --name NAME  store name (default: the folder name)\n  --force      replace an existing model\n',
  import:
    'Usage: mullama import --from-ollama [DIR] [--copy]\n\n' +
    'Makes the models of an Ollama store (default ~/.ollama/models) usable by name: symlinks, or copies with --copy.\n',
};

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  const wantsHelp = rest.includes('--help') || rest.includes('-h');
  if (wantsHelp && cmd !== undefined && cmd in COMMAND_HELP) return void process.stdout.write(COMMAND_HELP[cmd]);
  switch (cmd) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return;
    case '--version':
    case '-V':
    case 'version':
      process.stdout.write(`mullama ${VERSION}\n`);
      return;
    case 'embed':
      return embedCommand(rest);
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
      if (wantsHelp) return void process.stdout.write(PULL_HELP);
      return pullCommand(rest);
    case 'import':
      return importCommand(rest);
    default:
      throw usage(`unknown command '${cmd}'; run 'mullama --help'`);
  }
}

void EMBED_HELP;
void SERVE_HELP;

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
