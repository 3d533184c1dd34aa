/**
 * Token embeddings — step 2 of the transformer: each token id picks one row of a [vocab, dim] table, the
 * token's vector. Nothing is mixed across positions here. The original paper multiplies the rows by √dim
 * (so they are not drowned by the sinusoidal positions); GPT-2, Llama and BERT do not. Models with tied
 * weights reuse the same table as the output projection: logits = h · Eᵀ.
 */
import { isPackedDType, keep, matmul, mul, randomNormal, type Tensor } from '@transformer-kit/tensor';
import { lookupRows, type TokenIds } from './lookup-rows';

/** Options of `TokenEmbedding`. */
export interface TokenEmbeddingOptions {
  /** Multiply the looked-up rows: `true` = √dim (Vaswani et al. 2017), or a number. Default: no scaling. */
  readonly scale?: boolean | number;
}

/** Options of `TokenEmbedding.random`. */
export interface RandomEmbeddingOptions extends TokenEmbeddingOptions {
  /** Seed of the initialisation. Default 0. */
  readonly seed?: number;
  /** Standard deviation of N(0, std²). Default 0.02 (GPT-2). */
  readonly std?: number;
}

/**
 * A token embedding table [vocab, dim], with the tied output projection.
 *
 * @example
 * ```ts
 * import { TokenEmbedding } from '@transformer-kit/embedding';
 * const emb = TokenEmbedding.random(512, 64, { seed: 1 });
 * const x = emb.forward([1, 42, 7]); // [3, 64]
 * const logits = emb.project(x); // [3, 512] = x · Eᵀ (tied weights)
 * console.log(x.shape, logits.shape); // [ 3, 64 ] [ 3, 512 ]
 * try {
 *   emb.forward([512]);
 * } catch (e) {
 *   console.log((e as Error).message);
 *   // TokenEmbedding: token id 512 (at index 0) is out of range for a vocabulary of 512 tokens (valid: 0..511)
 * }
 * emb.dispose();
 * ```
 */
export class TokenEmbedding {
  readonly weight: Tensor;
  /** The factor applied to looked-up rows (1 when unscaled). */
  readonly scale: number;

  /** Takes ownership of `weight` [vocab, dim]: `dispose()` frees it. */
  constructor(weight: Tensor, options: TokenEmbeddingOptions = {}) {
    // a packed table (q4_k, float16, ...) works too: gather decodes the rows it picks, project multiplies it packed
    if (weight.rank !== 2 || (weight.dtype !== 'float32' && !isPackedDType(weight.dtype))) {
      throw new RangeError(`TokenEmbedding: weight must be float32 [vocab, dim], got ${weight.dtype} [${weight.shape.join(', ')}] (a packed weight dtype such as q4_k works too)`);
    }
    this.weight = keep(weight);
    const s = options.scale;
    this.scale = s === true ? Math.sqrt(weight.shape[1]) : typeof s === 'number' ? s : 1;
  }

  /**
   * A table initialised from N(0, std²) with a seed: the same seed gives the same table everywhere.
   *
   * @example
   * ```ts
   * import { TokenEmbedding } from '@transformer-kit/embedding';
   * const emb = TokenEmbedding.random(100, 16, { seed: 3, scale: true });
   * ```
   */
  static random(vocabSize: number, dim: number, options: RandomEmbeddingOptions = {}): TokenEmbedding {
    return new TokenEmbedding(randomNormal([vocabSize, dim], 0, options.std ?? 0.02, { seed: options.seed ?? 0 }), options);
  }

  /** Number of tokens in the vocabulary. */
  get vocabSize(): number {
    return this.weight.shape[0];
  }

  /** Width of each token vector. */
  get dim(): number {
    return this.weight.shape[1];
  }

  /**
   * The vectors of `ids` (int32 tensor of any shape, or a list) → [...ids.shape, dim], times the scale.
   *
   * @example
   * ```ts
   * import { TokenEmbedding } from '@transformer-kit/embedding';
   * import { tensor } from '@transformer-kit/tensor';
   * const emb = TokenEmbedding.random(10, 4);
   * emb.forward(tensor([1, 2, 3, 4, 5, 6], [2, 3], 'int32')); // [2, 3, 4]
   * ```
   */
  forward(ids: TokenIds): Tensor {
    const rows = lookupRows('TokenEmbedding', 'token id', (n) => `a vocabulary of ${n} tokens`, this.weight, ids);
    if (this.scale === 1) return rows;
    const scaled = mul(rows, this.scale);
    rows.dispose();
    return scaled;
  }

  /**
   * The tied output projection: logits = hidden · Eᵀ, hidden [..., dim] → [..., vocab]. (The scale is not
   * applied: tied models reuse the raw table.)
   *
   * @example
   * ```ts
   * import { TokenEmbedding } from '@transformer-kit/embedding';
   * import { randomNormal } from '@transformer-kit/tensor';
   * const emb = TokenEmbedding.random(50, 8);
   * const logits = emb.project(randomNormal([2, 5, 8])); // [2, 5, 50]
   * ```
   */
  project(hidden: Tensor): Tensor {
    if (hidden.rank < 1 || hidden.shape[hidden.rank - 1] !== this.dim) {
      throw new RangeError(`TokenEmbedding.project: hidden must be [..., ${this.dim}], got [${hidden.shape.join(', ')}]`);
    }
    if (hidden.rank === 1) {
      const row = hidden.reshape([1, this.dim]);
      const out = matmul(row, this.weight, { transposeB: true }); // [1, dim] · [vocab, dim]ᵀ → [1, vocab]
      row.dispose();
      return out.reshape([this.vocabSize]);
    }
    return matmul(hidden, this.weight, { transposeB: true }); // [..., dim] · [vocab, dim]ᵀ → [..., vocab]
  }

  /**
   * Frees the table.
   *
   * @example
   * ```ts
   * import { TokenEmbedding } from '@transformer-kit/embedding';
   * TokenEmbedding.random(10, 4).dispose();
   * ```
   */
  dispose(): void {
    this.weight.dispose();
  }
}
