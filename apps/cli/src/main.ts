import { benchCommand, BENCH_HELP } from './commands/bench';
import { generateCommand, GENERATE_HELP } from './commands/generate';
import { inspectCommand, INSPECT_HELP } from './commands/inspect';
import { parityCommand, PARITY_HELP } from './commands/parity';
import { tokenizeCommand, TOKENIZE_HELP } from './commands/tokenize';
import { chatCommand, CHAT_HELP } from './commands/chat';
import { CliError } from './cli-error';
import { processIO, type CliIO } from './io';
import { VERSION } from './version';

/**
 * The top-level usage text `transformer-kit --help` prints.
 *
 * @example
 * ```ts
 * import { HELP } from '@transformer-kit/cli';
 * console.log(HELP.split('\n')[0]); // Usage: transformer-kit <command> [options]
 * ```
 */
export const HELP = `Usage: transformer-kit <command> [options]

Commands:
  generate   stream text from a model (llama2.c .bin, GGUF, Hugging Face folder or hub repository)
  chat       talk with a model turn by turn, through its chat template (the KV cache is kept between turns)
  tokenize   print the ids and tokens of a text
  inspect    walk one forward pass through the six steps of the transformer
  parity     check this implementation against reference fixtures
  bench      measure generation speed

Run 'transformer-kit <command> --help' for a command's options; 'transformer-kit --version' prints the version.
`;

const COMMANDS: Record<string, { run: (args: string[], io: CliIO) => Promise<number>; help: string }> = {
  generate: { run: generateCommand, help: GENERATE_HELP },
  chat: { run: chatCommand, help: CHAT_HELP },
  tokenize: { run: tokenizeCommand, help: TOKENIZE_HELP },
  inspect: { run: inspectCommand, help: INSPECT_HELP },
  parity: { run: parityCommand, help: PARITY_HELP },
  bench: { run: benchCommand, help: BENCH_HELP },
};

/**
 * Runs the CLI on `argv` (without `node` and the script) and returns the exit code. Errors become one line on
 * stderr (`transformer-kit: ...`) and exit code 1; nothing is thrown.
 *
 * @example
 * ```ts
 * import { main } from '@transformer-kit/cli';
 * let out = '';
 * const io = { stdout: (text: string) => (out += text), stderr: (text: string) => process.stderr.write(text) };
 * const code = await main(['tokenize', '--tokenizer', '../shared/models/stories260K/tok512.bin', '--text', 'Once upon a time'], io);
 * console.log(code, out.split('\n').slice(0, 2)); // 0 [ '5 tokens (sentencepiece-bpe, vocabulary 512)', 'ids: 1 403 407 261 378' ]
 * ```
 */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(HELP);
    return name ? 0 : 1;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    io.stdout(`transformer-kit ${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`transformer-kit: unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(', ')}; see transformer-kit --help)\n`);
    return 1;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    const e = error as Error & { code?: string };
    // parseArgs reports unknown or malformed flags with ERR_PARSE_ARGS_* codes: those are usage errors too.
    const message = error instanceof CliError || e.code?.startsWith('ERR_PARSE_ARGS') ? e.message : `${e.message ?? String(error)}`;
    io.stderr(`transformer-kit ${name}: ${message.split('\n')[0]}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}
