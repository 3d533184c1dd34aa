import { gemma2Family } from './gemma2-family';
import { gemmaFamily } from './gemma-family';
import type { ModelFamily } from './model-family';
import { phi3Family } from './phi3-family';
import { qwen2Family } from './qwen2-family';

/** Every decoder family besides Llama, GPT-2 and BERT (which have their own loaders). */
const FAMILIES: readonly ModelFamily[] = [qwen2Family, phi3Family, gemmaFamily, gemma2Family];

/**
 * The family of a GGUF `general.architecture`, or undefined.
 *
 * @example
 * ```ts
 * import { familyOfGgufArchitecture } from '@transformer-kit/transformer';
 * console.log(familyOfGgufArchitecture('qwen3')?.modelTypes, familyOfGgufArchitecture('mamba')); // [ 'qwen2', 'qwen3' ] undefined
 * ```
 */
export function familyOfGgufArchitecture(arch: string): ModelFamily | undefined {
  return FAMILIES.find((f) => f.ggufArchitectures.includes(arch));
}

/**
 * The family of a config.json `model_type`, or undefined.
 *
 * @example
 * ```ts
 * import { familyOfModelType } from '@transformer-kit/transformer';
 * console.log(familyOfModelType('gemma2')?.ggufArchitectures); // [ 'gemma2' ]
 * ```
 */
export function familyOfModelType(type: string): ModelFamily | undefined {
  return FAMILIES.find((f) => f.modelTypes.includes(type));
}

/** The GGUF architectures and model types these families cover (for error messages). */
export const FAMILY_GGUF_ARCHITECTURES: readonly string[] = FAMILIES.flatMap((f) => f.ggufArchitectures);
/** config.json `model_type`s of the families. */
export const FAMILY_MODEL_TYPES: readonly string[] = FAMILIES.flatMap((f) => f.modelTypes);
