import { tensor, type Tensor } from '@transformer-kit/tensor';
import type { LinearWeights } from '@transformer-kit/attention';
import { expectShape, type WeightSource } from '../loaders/weight-source';

/** Reads a checkpoint's tensors by Hugging Face name, checking each shape against the config. */
export interface LayerWeights {
  /** The tensor of this name with this shape (an error names it when the shape differs or it is missing). */
  tensor(name: string, shape: readonly number[]): Tensor;
  /** `name.weight` [out, in] and, when `bias`, `name.bias` [out]. */
  linear(name: string, out: number, inFeatures: number, bias?: boolean): LinearWeights;
}

/**
 * Named, shape-checked tensors out of a WeightSource (the models' one way to read a checkpoint).
 *
 * @example
 * ```ts
 * import { layerWeights, weightSource } from '@transformer-kit/transformer';
 * const source = weightSource('inline', { 'q.weight': () => ({ data: new Float32Array(6), shape: [3, 2] }) });
 * const q = layerWeights(source).linear('q', 3, 2); // { weight: [3, 2] }
 * console.log(q.weight.shape, q.bias); // [ 3, 2 ] undefined
 * ```
 */
export function layerWeights(weights: WeightSource): LayerWeights {
  const load = (name: string, shape: readonly number[]): Tensor => tensor(expectShape(name, weights.get(name), shape).data, [...shape]);
  return {
    tensor: load,
    linear: (name, out, inFeatures, bias = false) => ({
      weight: load(`${name}.weight`, [out, inFeatures]),
      bias: bias ? load(`${name}.bias`, [out]) : undefined,
    }),
  };
}
