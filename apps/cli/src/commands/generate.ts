import { parseArgs } from 'node:util';
import { generate } from '@transformer-kit/transformer';
import type { CliIO } from '../io';
import { loadModel, requireGenerative } from '../load-model';
import { numberFlag, requiredFlag } from '../options';
import { selectBackend } from '../select-backend';

export const GENERATE_HELP = `Usage: transformer-kit generate --model <path|owner/repo[/folder]> [options]

Streams generated text to stdout; load time and tokens/s go to stderr.

Options:
  --model <spec>        a llama2.c .bin, a .gguf, a Hugging Face folder, or a hub repository
                        (karpathy/tinyllamas/stories260K); downloads are cached
  --tokenizer <file>    tokenizer.bin / tokenizer.json / .gguf / vocab.txt (default: the model's own)
  --prompt <text>       the text to continue (default: empty, i.e. from BOS)
  --max-tokens <n>      new tokens at most (default 256)
  --temperature <t>     0 = greedy (default 1.0)
  --top-k <k>           sample among the k most probable tokens (default: all)
  --top-p <p>           nucleus sampling (default 0.9, as llama2.c; 1 = off)
  --repetition-penalty <r>  > 1 discourages repeats (default 1)
  --seed <n>            random seed, a positive integer (default: from the clock)
  --backend <cpu|gpu>   where to compute (default cpu)
  -h, --help            this help
`;

/** `transformer-kit generate`: like llama2.c's `run`, the story then a newline on stdout. */
export async function generateCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      model: { type: 'string' },
      tokenizer: { type: 'string' },
      prompt: { type: 'string', default: '' },
      'max-tokens': { type: 'string' },
      temperature: { type: 'string' },
      'top-k': { type: 'string' },
      'top-p': { type: 'string' },
      'repetition-penalty': { type: 'string' },
      seed: { type: 'string' },
      backend: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout(GENERATE_HELP);
    return 0;
  }
  const spec = requiredFlag(values, 'model', 'generate');
  const maxTokens = numberFlag(values, 'max-tokens', (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer') ?? 256;
  const temperature = numberFlag(values, 'temperature', (n) => n >= 0, 'a number ≥ 0') ?? 1;
  const topK = numberFlag(values, 'top-k', (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer');
  const topP = numberFlag(values, 'top-p', (n) => n > 0 && n <= 1, 'in (0, 1]') ?? 0.9;
  const repetitionPenalty = numberFlag(values, 'repetition-penalty', (n) => n > 0, 'a number > 0');
  const seed = numberFlag(values, 'seed', (n) => Number.isInteger(n) && n > 0, 'a positive integer');
  const backend = await selectBackend(values.backend);
  const loaded = await loadModel(spec, values.tokenizer, io);
  const { model, tokenizer } = requireGenerative(loaded, spec);
  io.stderr(`loaded ${spec} (${model.family}, ${loaded.format}) in ${loaded.loadMs.toFixed(0)} ms on ${backend.name}\n`);
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  let count = 0;
  let start = 0;
  try {
    // The prompt is echoed once the model has accepted it (a prompt past the context fails before any output).
    for await (const token of generate(model, tokenizer, values.prompt ?? '', { maxTokens, temperature, topK, topP, repetitionPenalty, seed, signal: controller.signal })) {
      if (count === 0) io.stdout(values.prompt ?? '');
      io.stdout(token.text);
      count++;
      // llama2.c's timer starts after the first token, so its tok/s leaves out the prompt.
      if (start === 0) start = performance.now();
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  io.stdout('\n');
  if (count > 1) io.stderr(`achieved tok/s: ${((count - 1) / ((performance.now() - start) / 1000)).toFixed(1)}\n`);
  return 0;
}
