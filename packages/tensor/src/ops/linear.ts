/**
 * The dense layer's math, y = x · Wᵀ + b with W in PyTorch's [out, in] layout: every projection of the
 * attention and feed-forward layers (and every head) is this one op. Mixes features within a position,
 * never across positions.
 */
import { formatShape } from '../shape';
import type { Tensor } from '../tensor';
import { add } from './arithmetic';
import { matmul } from './matmul';
import { check } from './run-kernel';

/**
 * x [..., in] · Wᵀ (+ b) → [..., out], with `weight` [out, in] (float32 or a packed weight dtype, kept packed)
 * and `bias` [out]. The intermediate product is freed when a bias is added.
 *
 * @example
 * ```ts
 * import { linear, tensor } from '@transformer-kit/tensor';
 * const w = tensor([1, 0, 0, 1, 1, 1], [3, 2]); // [out 3, in 2]
 * const y = linear(tensor([2, 3], [1, 2]), w, tensor([0, 0, 1], [3])); // [1, 3]
 * console.log(y.dataSync()); // Float32Array(3) [ 2, 3, 6 ]
 * ```
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  check(weight.rank === 2, 'linear', () => `weight must be [out, in], got ${formatShape(weight.shape)}`);
  check(!bias || (bias.rank === 1 && bias.shape[0] === weight.shape[0]), 'linear', () => `bias must be [${weight.shape[0]}] (one per output of weight ${formatShape(weight.shape)}), got ${formatShape(bias!.shape)}`);
  const y = matmul(x, weight, { transposeB: true }); // [..., in] · [out, in]ᵀ → [..., out]
  if (!bias) return y;
  const out = add(y, bias); // [..., out] + [out]
  y.dispose();
  return out;
}
