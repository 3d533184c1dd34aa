import { parseFlags } from '../parse-flags';
import { generate } from '@transformer-kit/transformer';
import type { CliIO } from '../io';
import { loadModel, requireGenerative } from '../load-model';
import { numberFlag, requiredFlag } from '../options';
import { backendThreads } from '../backend-threads';
import { selectBackend } from '../select-backend';

export const BENCH_HELP = `Usage: transformer-kit bench --model <spec> [--tokens 256] [--runs 5] [--backend cpu|gpu] [--threads n|auto] [--json]

Greedy generation from BOS, timed: prints the load time and the median tokens/s over the runs
(the first token, which includes the prompt, is not timed, as in llama2.c).

Options:
  --model <spec>        a .bin, .gguf, Hugging Face folder or hub repository
  --tokenizer <file>    a tokenizer file (default: the model's own)
  --tokens <n>          tokens per run (default 256)
  --runs <n>            runs (default 5)
  --backend <cpu|gpu>   default cpu
  --threads <n|auto>    the CPU backend's threads (default auto: the machine's parallelism)
  --json                print the figures as JSON
  -h, --help            this help
`;

/** `transformer-kit bench`. */
export async function benchCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags({
    args,
    options: {
      model: { type: 'string' },
      tokenizer: { type: 'string' },
      tokens: { type: 'string' },
      runs: { type: 'string' },
      backend: { type: 'string' },
      threads: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout(BENCH_HELP);
    return 0;
  }
  const spec = requiredFlag(values, 'model', 'bench');
  const tokens = numberFlag(values, 'tokens', (n) => Number.isInteger(n) && n > 1, 'an integer > 1') ?? 256;
  const runs = numberFlag(values, 'runs', (n) => Number.isInteger(n) && n > 0, 'a positive integer') ?? 5;
  const backend = await selectBackend(values.backend, values.threads);
  const loaded = await loadModel(spec, values.tokenizer, io);
  const { model, tokenizer } = requireGenerative(loaded, spec);
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    let count = 0;
    let start = 0;
    for await (const _token of generate(model, tokenizer, '', { maxTokens: tokens, temperature: 0, stopTokens: [] })) {
      if (count++ === 0) start = performance.now();
    }
    rates.push((count - 1) / ((performance.now() - start) / 1000));
    if (!values.json) io.stderr(`run ${r + 1}: ${rates[r].toFixed(1)} tok/s\n`);
  }
  const sorted = [...rates].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const threads = backendThreads(backend);
  const result = { model: spec, backend: backend.name, threads, tokens, runs, loadMs: Math.round(loaded.loadMs), medianTokensPerSecond: Number(median.toFixed(1)), tokensPerSecond: rates.map((r) => Number(r.toFixed(1))) };
  io.stdout(values.json ? `${JSON.stringify(result)}\n` : `${spec} on ${backend.name}${threads === null ? '' : ` (${threads} thread${threads === 1 ? '' : 's'})`}: load ${result.loadMs} ms, median ${result.medianTokensPerSecond} tok/s over ${runs} runs of ${tokens} tokens\n`);
  return 0;
}
