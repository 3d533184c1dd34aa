import type { GenerateOptions } from '@transformer-kit/transformer';
import { numberFlag } from './options';

/** The sampling flags `generate` and `chat` share (llama.cpp's `-n` is `--max-tokens`). */
export const SAMPLING_FLAGS = {
  'max-tokens': { type: 'string', short: 'n' },
  temperature: { type: 'string' },
  'top-k': { type: 'string' },
  'top-p': { type: 'string' },
  'repetition-penalty': { type: 'string' },
  seed: { type: 'string' },
  stop: { type: 'string', multiple: true },
} as const;

export const SAMPLING_HELP = `  -n, --max-tokens <n>  new tokens at most (default 256)
  --temperature <t>     0 = greedy (default 1.0)
  --top-k <k>           sample among the k most probable tokens (default: all)
  --top-p <p>           nucleus sampling (default 0.9, as llama2.c; 1 = off)
  --repetition-penalty <r>  > 1 discourages repeats (default 1)
  --seed <n>            random seed, a positive integer (default: from the clock)
  --stop <text>         end generation at this text (repeatable; the text itself is not printed)
`;

export const BACKEND_HELP = `  --backend <name>      cpu (default), or gpu (gpu.js on WebGL / headless GL; in Node it needs an X
                        display: run under xvfb-run -a). gpu-js-cpu runs gpu.js' JavaScript fallback,
                        for debugging the GPU kernels only (slow)
  --threads <n|auto>    the CPU backend's threads (default auto: the machine's parallelism; 1 where
                        SharedArrayBuffer is missing)
`;

/** The sampling flags' values, checked, as `generate` options. */
export function samplingOptions(values: Record<string, unknown>): Pick<GenerateOptions, 'maxTokens' | 'temperature' | 'topK' | 'topP' | 'repetitionPenalty' | 'seed' | 'stopStrings'> {
  const stop = values.stop as string[] | undefined;
  return {
    maxTokens: numberFlag(values, 'max-tokens', (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer') ?? 256,
    temperature: numberFlag(values, 'temperature', (n) => n >= 0, '≥ 0') ?? 1,
    topK: numberFlag(values, 'top-k', (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer'),
    topP: numberFlag(values, 'top-p', (n) => n > 0 && n <= 1, 'in (0, 1]') ?? 0.9,
    repetitionPenalty: numberFlag(values, 'repetition-penalty', (n) => n > 0, '> 0'),
    seed: numberFlag(values, 'seed', (n) => Number.isInteger(n) && n > 0, 'a positive integer'),
    stopStrings: stop && stop.length > 0 ? stop : undefined,
  };
}
