import { generate, promptIds } from '@transformer-kit/transformer';
import type { CliIO } from '../io';
import { parseFlags } from '../parse-flags';
import { BACKEND_HELP, SAMPLING_HELP } from '../sampling-flags';
import { GENERATION_FLAGS, setUpGeneration } from '../set-up-generation';
import { backendThreads } from '../backend-threads';
import { speedLine } from '../speed-line';
import { TokenRate } from '../token-rate';

export const GENERATE_HELP = `Usage: transformer-kit generate --model <path|owner/repo[/folder]> [options]

Streams generated text to stdout; load time, then tokens/s and the threads it ran on, go to stderr.

Options:
  --model <spec>        a llama2.c .bin, a .gguf, a Hugging Face folder, or a hub repository
                        (karpathy/tinyllamas/stories260K); downloads are cached
  --tokenizer <file>    tokenizer.bin / tokenizer.json / .gguf / vocab.txt (default: the model's own)
  --prompt <text>       the text to continue (default: empty, i.e. from BOS)
${SAMPLING_HELP}${BACKEND_HELP}  --json                print one JSON object instead of streaming: {"model", "prompt", "ids" (every id,
                        BOS and prompt included), "text" (prompt + continuation), "tokensPerSecond",
                        "backend", "threads" (the CPU backend's; null on gpu)}
  -h, --help            this help
`;

/** `transformer-kit generate`: like llama2.c's `run`, the story then a newline on stdout. */
export async function generateCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags({
    args,
    options: { ...GENERATION_FLAGS, prompt: { type: 'string', default: '' } },
    strict: true,
  });
  if (values.help) {
    io.stdout(GENERATE_HELP);
    return 0;
  }
  const { spec, options, backend, loaded, model, tokenizer } = await setUpGeneration(values, 'generate', io);
  io.stderr(`loaded ${spec} (${model.family}, ${loaded.format}) in ${loaded.loadMs.toFixed(0)} ms on ${backend.name}\n`);
  const prompt = values.prompt ?? '';
  const ids = promptIds(tokenizer, prompt);
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  const rate = new TokenRate();
  let text = '';
  try {
    // The prompt is echoed once the model has accepted it (a prompt past the context fails before any output).
    for await (const token of generate(model, tokenizer, ids, { ...options, signal: controller.signal })) {
      if (rate.count === 0) text = prompt;
      if (rate.count === 0 && !values.json) io.stdout(prompt);
      if (!values.json) io.stdout(token.text);
      text += token.text;
      ids.push(token.id);
      rate.tick();
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  const tokensPerSecond = rate.perSecond();
  if (values.json) {
    io.stdout(`${JSON.stringify({ model: spec, prompt, ids, text: rate.count === 0 ? prompt : text, tokensPerSecond, backend: backend.name, threads: backendThreads(backend) })}\n`);
    return 0;
  }
  io.stdout('\n');
  if (tokensPerSecond !== null) io.stderr(speedLine(tokensPerSecond, backend));
  return 0;
}
