import type { Backend } from '@transformer-kit/tensor';
import type { Tokenizer } from '@transformer-kit/tokenizer';
import type { CausalLM, GenerateOptions, LoadedModel } from '@transformer-kit/transformer';
import type { CliIO } from './io';
import { loadModel, requireGenerative } from './load-model';
import { requiredFlag } from './options';
import { SAMPLING_FLAGS, samplingOptions } from './sampling-flags';
import { selectBackend } from './select-backend';

/** The flags of the commands that generate (generate, chat): the model, sampling, backend, --json. */
export const GENERATION_FLAGS = {
  model: { type: 'string' },
  tokenizer: { type: 'string' },
  ...SAMPLING_FLAGS,
  backend: { type: 'string' },
  threads: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** What a generating command starts from: flags checked, backend chosen, a causal LM and its tokenizer loaded. */
export interface GenerationSetUp {
  readonly spec: string;
  readonly options: GenerateOptions;
  readonly backend: Backend;
  readonly loaded: LoadedModel & { loadMs: number };
  readonly model: CausalLM;
  readonly tokenizer: Tokenizer;
}

/** Checks the flags first (a bad one fails before any loading), then selects the backend and loads the model. */
export async function setUpGeneration(values: Record<string, unknown>, command: string, io: CliIO): Promise<GenerationSetUp> {
  const spec = requiredFlag(values, 'model', command);
  const options = samplingOptions(values);
  const backend = await selectBackend(values.backend as string | undefined, values.threads as string | undefined);
  const loaded = await loadModel(spec, values.tokenizer as string | undefined, io);
  const { model, tokenizer } = requireGenerative(loaded, spec);
  return { spec, options, backend, loaded, model, tokenizer };
}
