/**
 * RMSNorm (Zhang & Sennrich 2019), Llama's norm: x / sqrt(mean(x²) + eps) · γ. No mean subtraction, no
 * bias. Mixes features, not positions.
 */
import { keep, rmsNorm, type Tensor } from '@transformer-kit/tensor';

/**
 * RMS normalisation over the last dimension.
 *
 * @example
 * ```ts
 * import { tensor, ones } from '@transformer-kit/tensor';
 * import { RMSNorm } from '@transformer-kit/transformer';
 * const norm = new RMSNorm(ones([2]), 1e-5);
 * norm.forward(tensor([3, 4], [1, 2])); // ≈ [[0.8485, 1.1314]]
 * ```
 */
export class RMSNorm {
  /** The layer owns γ [dim]: `dispose()` frees it, and a layer built inside a `tidy` outlives it. */
  constructor(
    readonly weight: Tensor,
    readonly eps = 1e-5,
  ) {
    keep(weight);
  }

  /** x [..., dim] → [..., dim]. */
  forward(x: Tensor): Tensor {
    return rmsNorm(x, this.weight, this.eps);
  }

  /** Frees γ. */
  dispose(): void {
    this.weight.dispose();
  }
}
