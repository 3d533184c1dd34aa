/**
 * Linear: y = x · Wᵀ + b, with W in PyTorch's [out, in] layout. Mixes features within a position, never
 * across positions.
 */
import { add, matmul, type Tensor } from '@transformer-kit/tensor';

/**
 * A dense layer over the last dimension.
 *
 * @example
 * ```ts
 * import { tensor } from '@transformer-kit/tensor';
 * import { Linear } from '@transformer-kit/transformer';
 * const layer = new Linear(tensor([1, 0, 0, 1, 1, 1], [3, 2]), tensor([0, 0, 1], [3]));
 * layer.forward(tensor([2, 3], [1, 2])); // [[2, 3, 6]]
 * ```
 */
export class Linear {
  /** Input width. */
  readonly inFeatures: number;
  /** Output width. */
  readonly outFeatures: number;

  /** `weight` is [out, in]; `bias` is [out]. The layer owns both (dispose() frees them). */
  constructor(
    readonly weight: Tensor,
    readonly bias?: Tensor,
  ) {
    if (weight.rank !== 2) throw new RangeError(`Linear: weight must be [out, in], got [${weight.shape.join(', ')}]`);
    [this.outFeatures, this.inFeatures] = weight.shape;
    if (bias && (bias.rank !== 1 || bias.shape[0] !== this.outFeatures)) {
      throw new RangeError(`Linear: bias [${bias.shape.join(', ')}] does not fit weight [${weight.shape.join(', ')}]`);
    }
  }

  /** x [..., in] → [..., out]. */
  forward(x: Tensor): Tensor {
    const y = matmul(x, this.weight, { transposeB: true }); // [..., out]
    if (!this.bias) return y;
    const out = add(y, this.bias);
    y.dispose();
    return out;
  }

  /** Frees the weights. */
  dispose(): void {
    this.weight.dispose();
    this.bias?.dispose();
  }
}
