import type { Tensor } from '@transformer-kit/tensor';

/**
 * What a block needs of a normalisation layer (LayerNorm or RMSNorm): a shape-preserving map over the last
 * dimension.
 *
 * @example
 * ```ts
 * import type { Norm } from '@transformer-kit/transformer';
 * const identity: Norm = { forward: (x) => x.reshape(x.shape), dispose: () => {} };
 * ```
 */
export interface Norm {
  /** x [..., dim] → [..., dim], normalised over the last dimension; the caller owns the result. */
  forward(x: Tensor): Tensor;
  /** Frees the layer's parameters. */
  dispose(): void;
}
