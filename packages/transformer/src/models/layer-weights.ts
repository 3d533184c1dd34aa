import type { Tensor } from '@transformer-kit/tensor';
import { Linear } from '@transformer-kit/attention';
import { FeedForward, type Activation } from '../layers/feed-forward';
import { RMSNorm } from '../layers/rms-norm';
import { toWeight } from '../loaders/host-weight';
import { splitHostRows } from '../loaders/split-host-rows';
import { expectShape, type WeightSource } from '../loaders/weight-source';

/** Reads a checkpoint's tensors by Hugging Face name, checking each shape against the config. */
export interface LayerWeights {
  /**
   * The tensor of this name with this shape (an error names it when the shape differs or it is missing); a
   * matrix the checkpoint keeps packed (f16/bf16, ggml's quantized blocks) stays packed.
   */
  tensor(name: string, shape: readonly number[]): Tensor;
  /** The matrix `name` [Σ rows, cols] cut into consecutive row ranges (Phi-3's fused matrices), packed parts still packed. */
  rowSplit(name: string, rows: readonly number[], cols: number): Tensor[];
  /** The Linear of `name.weight` [out, in] and, when `bias`, `name.bias` [out] (for attention and feed-forward alike). */
  linear(name: string, out: number, inFeatures: number, bias?: boolean): Linear;
  /** An RMSNorm over `dim` with γ = `name` [dim]. */
  rmsNorm(name: string, dim: number, eps: number): RMSNorm;
  /** The gated feed-forward `prefix.down_proj(act(prefix.gate_proj(x)) ⊙ prefix.up_proj(x))` (SwiGLU, GeGLU). */
  gatedFeedForward(prefix: string, dim: number, hiddenDim: number, activation: Activation): FeedForward;
}

/**
 * Named, shape-checked tensors and layers out of a WeightSource (the models' one way to read a checkpoint).
 *
 * @example
 * ```ts
 * import { layerWeights, weightSource } from '@transformer-kit/transformer';
 * const source = weightSource('inline', { 'q.weight': () => ({ data: new Float32Array(6), shape: [3, 2] }) });
 * const q = layerWeights(source).linear('q', 3, 2); // a Linear, weight [3, 2]
 * console.log(q.weight.shape, q.bias); // [ 3, 2 ] undefined
 * ```
 */
export function layerWeights(weights: WeightSource): LayerWeights {
  const load = (name: string, shape: readonly number[]): Tensor => toWeight(expectShape(name, weights.get(name), shape), [...shape]);
  const linear = (name: string, out: number, inFeatures: number, bias = false) =>
    new Linear(load(`${name}.weight`, [out, inFeatures]), bias ? load(`${name}.bias`, [out]) : undefined); // [out, in], [out]
  return {
    tensor: load,
    rowSplit(name, rows, cols) {
      const whole = expectShape(name, weights.get(name), [rows.reduce((s, r) => s + r, 0), cols]);
      return splitHostRows(name, whole, rows).map((part) => toWeight(part, [...part.shape]));
    },
    linear,
    rmsNorm: (name, dim, eps) => new RMSNorm(load(name, [dim]), eps),
    gatedFeedForward: (prefix, dim, hiddenDim, activation) =>
      new FeedForward(
        { gate: linear(`${prefix}.gate_proj`, hiddenDim, dim), up: linear(`${prefix}.up_proj`, hiddenDim, dim), down: linear(`${prefix}.down_proj`, dim, hiddenDim) },
        activation,
      ),
  };
}
