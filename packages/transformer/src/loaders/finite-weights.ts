/**
 * Non-finite weights: one NaN in a final norm turns every logit into NaN, and sampling from NaN emits
 * garbage with exit 0. Every loader passes its WeightSource through {@link finiteWeights}, so a checkpoint
 * of any format (safetensors, llama2.c, GGUF) with NaN or ±Infinity in a tensor is an error naming the tensor
 * and the counts, unless the caller opts in.
 */
import { nonFiniteWeightCount } from '@transformer-kit/tensor';
import type { HostTensor, WeightSource } from './weight-source';

/** How many NaN and ±Infinity values a tensor holds. */
export interface NonFiniteReport {
  readonly origin: string;
  readonly tensor: string;
  readonly nan: number;
  readonly infinite: number;
  readonly total: number;
}

/** What a loader does with non-finite weights. */
export interface NonFiniteOptions {
  /** Load tensors holding NaN/±Infinity instead of refusing them (they are still reported). Default false. */
  readonly allowNonFinite?: boolean;
  /** Receives a report per tensor that holds non-finite values (before the error, when not allowed). */
  readonly onNonFinite?: (report: NonFiniteReport) => void;
}

/**
 * Counts NaN and ±Infinity values.
 *
 * @example
 * ```ts
 * import { countNonFinite } from '@transformer-kit/transformer';
 * console.log(countNonFinite([1, NaN, Infinity, -Infinity, 0])); // { nan: 1, infinite: 2 }
 * ```
 */
export function countNonFinite(data: ArrayLike<number>): { nan: number; infinite: number } {
  let nan = 0;
  let infinite = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    // NOTE: v - v is 0 for every finite value and NaN for NaN and ±Infinity: one test in the common case.
    if (v - v !== 0) {
      if (v !== v) nan++;
      else infinite++;
    }
  }
  return { nan, infinite };
}

/**
 * A view of `source` whose `get` checks each tensor for NaN/±Infinity: an error naming the origin, the tensor
 * and the counts, or (with `allowNonFinite`) only a report to `onNonFinite`.
 *
 * @example
 * ```ts
 * import { finiteWeights, weightSource } from '@transformer-kit/transformer';
 * const source = weightSource('model.safetensors', { 'model.norm.weight': () => ({ data: new Float32Array([1, NaN]), shape: [2] }) });
 * try {
 *   finiteWeights(source).get('model.norm.weight');
 * } catch (e) {
 *   console.log((e as Error).message.split(':').slice(0, 2).join(':')); // model.safetensors: tensor 'model.norm.weight' holds 1 NaN and 0 infinite values of 2
 * }
 * console.log(finiteWeights(source, { allowNonFinite: true }).get('model.norm.weight').shape); // [ 2 ]
 * ```
 */
export function finiteWeights(source: WeightSource, options: NonFiniteOptions = {}): WeightSource {
  const check = (name: string, t: HostTensor): HostTensor => {
    // NOTE: a packed weight is checked in its packed form (its blocks' scales, or its 16-bit values): reading
    // `t.data` would decode the whole weight to float32 (4-8x its bytes, left to the garbage collector), which
    // made loading r42m-Q4_K_M.gguf take 0.5 s longer and leave 8 MB more resident. Only a weight that does hold
    // non-finite values is decoded, to count NaN and infinite values apart for the report.
    if (t.packed && nonFiniteWeightCount(t.packed.dtype, t.packed.bytes) === 0) return t;
    const { nan, infinite } = countNonFinite(t.data);
    if (nan === 0 && infinite === 0) return t;
    const report: NonFiniteReport = { origin: source.origin, tensor: name, nan, infinite, total: t.data.length };
    options.onNonFinite?.(report);
    if (!options.allowNonFinite) {
      throw new Error(`${source.origin}: tensor '${name}' holds ${nan} NaN and ${infinite} infinite values of ${t.data.length}: the checkpoint is corrupt (pass allowNonFinite: true to load it anyway)`);
    }
    return t;
  };
  return { origin: source.origin, names: source.names, has: (name) => source.has(name), get: (name) => check(name, source.get(name)) };
}
