/**
 * Linear: y = x · Wᵀ + b, with W in PyTorch's [out, in] layout. Mixes features within a position, never
 * across positions. The one dense layer of every package above tensor: attention's q/k/v/o projections, the
 * feed-forward's up/gate/down and the models' heads (the math is tensor's `linear` op).
 */
import { keep, linear, type Tensor } from '@transformer-kit/tensor';

/** A linear layer's parameters in PyTorch's layout: y = x·Wᵀ + b. A `Linear` is one. */
export interface LinearWeights {
  /** [out, in] (PyTorch `nn.Linear.weight`). */
  weight: Tensor;
  /** [out], optional. */
  bias?: Tensor;
}

/**
 * A dense layer over the last dimension. It owns the tensors it is given: `dispose()` frees them, and a layer
 * built inside a `tidy` outlives it.
 *
 * @example
 * ```ts
 * import { tensor } from '@transformer-kit/tensor';
 * import { Linear } from '@transformer-kit/attention';
 * const layer = new Linear(tensor([1, 0, 0, 1, 1, 1], [3, 2]), tensor([0, 0, 1], [3]));
 * console.log(layer.forward(tensor([2, 3], [1, 2])).dataSync()); // Float32Array(3) [ 2, 3, 6 ]
 * ```
 */
export class Linear implements LinearWeights {
  /** Input width. */
  readonly inFeatures: number;
  /** Output width. */
  readonly outFeatures: number;

  /** `weight` is [out, in] (float32 or a packed weight dtype); `bias` is [out]. */
  constructor(
    readonly weight: Tensor,
    readonly bias?: Tensor,
  ) {
    if (weight.rank !== 2) throw new RangeError(`Linear: weight must be [out, in], got [${weight.shape.join(', ')}]`);
    [this.outFeatures, this.inFeatures] = weight.shape;
    if (bias && (bias.rank !== 1 || bias.shape[0] !== this.outFeatures)) {
      throw new RangeError(`Linear: bias [${bias.shape.join(', ')}] does not fit weight [${weight.shape.join(', ')}]`);
    }
    // NOTE: keep() so a layer built inside someone's tidy() outlives it; dispose() frees the weights.
    keep(weight);
    if (bias) keep(bias);
  }

  /**
   * The layer of these weights: `w` itself when it is a Linear, else a Linear that takes ownership of them.
   *
   * @example
   * ```ts
   * import { zeros } from '@transformer-kit/tensor';
   * import { Linear } from '@transformer-kit/attention';
   * const q = Linear.from({ weight: zeros([4, 8]) }); // [out 4, in 8]
   * console.log(q.outFeatures, Linear.from(q) === q); // 4 true
   * ```
   */
  static from(w: LinearWeights): Linear {
    return w instanceof Linear ? w : new Linear(w.weight, w.bias);
  }

  /** x [..., in] → [..., out]. */
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  /** Frees the weights. */
  dispose(): void {
    this.weight.dispose();
    this.bias?.dispose();
  }
}
