/**
 * Token-type (segment) embeddings, as in BERT: a small table [types, dim] whose row says which segment of a
 * sentence pair each token belongs to (0 = first sentence, 1 = second). Added to the token and position
 * embeddings before the first layer.
 */
import { keep, randomNormal, type Tensor } from '@transformer-kit/tensor';
import { lookupRows, type TokenIds } from './lookup-rows';

/**
 * A token-type table [types, dim].
 *
 * @example
 * ```ts
 * import { TokenTypeEmbedding } from '@transformer-kit/embedding';
 * const types = TokenTypeEmbedding.random(2, 64, { seed: 1 });
 * const rows = types.forward([0, 0, 0, 1, 1]); // [5, 64]
 * types.dispose();
 * ```
 */
export class TokenTypeEmbedding {
  readonly weight: Tensor;

  /** Takes ownership of `weight` [types, dim]. */
  constructor(weight: Tensor) {
    if (weight.rank !== 2 || weight.dtype !== 'float32') {
      throw new RangeError(`TokenTypeEmbedding: weight must be float32 [types, dim], got ${weight.dtype} [${weight.shape.join(', ')}]`);
    }
    this.weight = keep(weight);
  }

  /**
   * A table initialised from N(0, std²) with a seed.
   *
   * @example
   * ```ts
   * import { TokenTypeEmbedding } from '@transformer-kit/embedding';
   * const types = TokenTypeEmbedding.random(2, 16, { seed: 2 });
   * ```
   */
  static random(types: number, dim: number, options: { seed?: number; std?: number } = {}): TokenTypeEmbedding {
    return new TokenTypeEmbedding(randomNormal([types, dim], 0, options.std ?? 0.02, { seed: options.seed ?? 0 }));
  }

  /** Number of token types. */
  get types(): number {
    return this.weight.shape[0];
  }

  /**
   * The rows of `typeIds` (int32 tensor or list) → [...typeIds.shape, dim]; an id past the table is an error.
   *
   * @example
   * ```ts
   * import { TokenTypeEmbedding } from '@transformer-kit/embedding';
   * import { tensor } from '@transformer-kit/tensor';
   * const types = TokenTypeEmbedding.random(2, 8);
   * types.forward(tensor([0, 0, 1, 1], [1, 4], 'int32')); // [1, 4, 8]
   * ```
   */
  forward(typeIds: TokenIds): Tensor {
    return lookupRows('TokenTypeEmbedding', 'token type id', (n) => `${n} token types`, this.weight, typeIds);
  }

  /**
   * Frees the table.
   *
   * @example
   * ```ts
   * import { TokenTypeEmbedding } from '@transformer-kit/embedding';
   * TokenTypeEmbedding.random(2, 4).dispose();
   * ```
   */
  dispose(): void {
    this.weight.dispose();
  }
}
