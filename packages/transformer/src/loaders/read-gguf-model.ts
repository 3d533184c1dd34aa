/**
 * A GGUF file of any supported architecture → config, weights (renamed to Hugging Face's names) and a built
 * model. `general.architecture` picks the reader: `llama` goes to `readGgufLlama`, the other families to
 * their `ModelFamily` (loaders/families/). Every tensor is read through `ggufWeight`.
 */
import { LlamaModel } from '../models/llama';
import type { CausalLM } from '../models/causal-lm';
import type { DecoderConfig } from '../models/decoder-config';
import type { LlamaConfig } from '../models/llama-config';
import { familyOfGgufArchitecture, FAMILY_GGUF_ARCHITECTURES } from './families/model-families';
import { hfNameOfGguf } from './families/gguf-tensor-names';
import { ggufWeight } from './gguf-weight';
import { readGguf, type GgufFile } from '@transformer-kit/tensor';
import { readGgufLlama } from './read-gguf-llama';
import { weightSource, type HostTensor, type WeightSource } from './weight-source';

/** A GGUF model of any supported architecture. */
export interface GgufModelCheckpoint {
  readonly config: LlamaConfig | DecoderConfig;
  readonly weights: WeightSource;
  readonly gguf: GgufFile;
  /** Builds the model from the weights, or from `weights` given (a checked view of them); each call builds a new one. */
  build(weights?: WeightSource): CausalLM;
}

/**
 * The GGUF architectures `readGgufModel` reads.
 *
 * @example
 * ```ts
 * import { SUPPORTED_GGUF_ARCHITECTURES } from '@transformer-kit/transformer';
 * console.log(SUPPORTED_GGUF_ARCHITECTURES.join(', ')); // llama, qwen2, qwen3, phi3, gemma, gemma2
 * ```
 */
export const SUPPORTED_GGUF_ARCHITECTURES: readonly string[] = ['llama', ...FAMILY_GGUF_ARCHITECTURES];

/**
 * Reads a GGUF model (llama, qwen2, qwen3, phi3, gemma, gemma2): its config, weights and a builder.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { readGgufModel } from '@transformer-kit/transformer';
 * const { build, config } = readGgufModel(readFileSync('../shared/models/families/phi3-tiny.gguf'));
 * const model = build();
 * console.log(model.family, model.layers, config.kvHeads); // phi3 3 2
 * ```
 */
export function readGgufModel(source: ArrayBuffer | ArrayBufferView | GgufFile, origin = 'GGUF file'): GgufModelCheckpoint {
  const gguf = 'metadata' in source && 'tensors' in source ? (source as GgufFile) : readGguf(source as ArrayBuffer);
  const arch = String(gguf.metadata['general.architecture']);
  if (arch === 'llama') {
    const { config, weights } = readGgufLlama(gguf, origin);
    return { config, weights, gguf, build: (w = weights) => new LlamaModel(config, w) };
  }
  const family = familyOfGgufArchitecture(arch);
  if (!family) throw new Error(`${origin}: architecture '${arch}' is not supported (supported: ${SUPPORTED_GGUF_ARCHITECTURES.join(', ')})`);
  const config = family.configFromGguf(gguf, origin);
  const entries: Record<string, () => HostTensor> = {};
  for (const t of gguf.tensors) {
    const name = hfNameOfGguf(t.name, family.ggufNames);
    if (name) entries[name] = () => ggufWeight(gguf, t.name);
  }
  const weights = weightSource(origin, entries);
  return { config, weights, gguf, build: (w = weights) => family.build(config, w) };
}
