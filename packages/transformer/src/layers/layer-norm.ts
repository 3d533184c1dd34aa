/**
 * LayerNorm (Ba et al. 2016): per position, subtract the mean and divide by the standard deviation of the
 * features (biased variance, as PyTorch), then scale by γ and shift by β. Mixes features, not positions.
 */
import { keep, layerNorm, type Tensor } from '@transformer-kit/tensor';

/**
 * Layer normalisation over the last dimension.
 *
 * @example
 * ```ts
 * import { tensor, ones, zeros } from '@transformer-kit/tensor';
 * import { LayerNorm } from '@transformer-kit/transformer';
 * const norm = new LayerNorm(ones([2]), zeros([2]), 1e-5);
 * norm.forward(tensor([1, 3], [1, 2])); // ≈ [[-1, 1]]
 * ```
 */
export class LayerNorm {
  /** The layer owns γ and β [dim]: `dispose()` frees them, and a layer built inside a `tidy` outlives it. */
  constructor(
    readonly weight: Tensor | null,
    readonly bias: Tensor | null,
    readonly eps = 1e-5,
  ) {
    if (weight) keep(weight);
    if (bias) keep(bias);
  }

  /** x [..., dim] → [..., dim]. */
  forward(x: Tensor): Tensor {
    return layerNorm(x, this.weight ?? undefined, this.bias ?? undefined, this.eps);
  }

  /** Frees γ and β. */
  dispose(): void {
    this.weight?.dispose();
    this.bias?.dispose();
  }
}
