/**
 * Learned absolute positions (GPT-2's `wpe`, BERT's `position_embeddings`): a trained table [maxPositions, dim]
 * whose row p is added to the embedding of the token at position p. Unlike sinusoidal positions it has a hard
 * limit: a position past the table is an error, not an extrapolation.
 */
import { add, gather, keep, randomNormal, slice, type Tensor } from '@transformer-kit/tensor';

/**
 * A learned position table.
 *
 * @example
 * ```ts
 * import { LearnedPositionalEmbedding } from '@transformer-kit/positional';
 * import { zeros } from '@transformer-kit/tensor';
 * const wpe = LearnedPositionalEmbedding.random(1024, 64, { seed: 1 });
 * const rows = wpe.forward(5, 3);             // [5, 64]: positions 3..7
 * const x = wpe.add(zeros([2, 5, 64]));        // [2, 5, 64]
 * wpe.dispose();
 * ```
 */
export class LearnedPositionalEmbedding {
  readonly weight: Tensor;

  /** Takes ownership of `weight` [maxPositions, dim]. */
  constructor(weight: Tensor) {
    if (weight.rank !== 2 || weight.dtype !== 'float32') {
      throw new RangeError(`LearnedPositionalEmbedding: weight must be float32 [maxPositions, dim], got ${weight.dtype} [${weight.shape.join(', ')}]`);
    }
    this.weight = keep(weight);
  }

  /**
   * A table initialised from N(0, std²) with a seed (GPT-2 initialises `wpe` with std 0.01).
   *
   * @example
   * ```ts
   * import { LearnedPositionalEmbedding } from '@transformer-kit/positional';
   * const wpe = LearnedPositionalEmbedding.random(128, 32, { seed: 7, std: 0.01 });
   * ```
   */
  static random(maxPositions: number, dim: number, options: { seed?: number; std?: number } = {}): LearnedPositionalEmbedding {
    return new LearnedPositionalEmbedding(randomNormal([maxPositions, dim], 0, options.std ?? 0.02, { seed: options.seed ?? 0 }));
  }

  /** Rows in the table. */
  get maxPositions(): number {
    return this.weight.shape[0];
  }

  /** Width of each row. */
  get dim(): number {
    return this.weight.shape[1];
  }

  /**
   * The rows for positions offset … offset + length − 1: [length, dim].
   *
   * @example
   * ```ts
   * import { LearnedPositionalEmbedding } from '@transformer-kit/positional';
   * import { tensor } from '@transformer-kit/tensor';
   * const wpe = new LearnedPositionalEmbedding(tensor([0, 0, 1, 1, 2, 2], [3, 2]));
   * console.log(wpe.forward(2, 1).dataSync()); // Float32Array(4) [ 1, 1, 2, 2 ]: rows 1 and 2, [2, 2]
   * try {
   *   wpe.forward(1, 3);
   * } catch (e) {
   *   console.log((e as Error).message); // LearnedPositionalEmbedding: position 3 is past the 3 learned positions (0..2)
   * }
   * ```
   */
  forward(length: number, offset = 0): Tensor {
    if (!Number.isInteger(length) || length < 0 || !Number.isInteger(offset) || offset < 0) {
      throw new RangeError(`LearnedPositionalEmbedding: length and offset must be integers ≥ 0, got ${length} and ${offset}`);
    }
    this.checkPosition(offset + length - 1);
    return slice(this.weight, [offset, 0], [length, this.dim]); // [length, dim]
  }

  /**
   * The rows for arbitrary int32 positions (any shape) → [...positions.shape, dim].
   *
   * @example
   * ```ts
   * import { LearnedPositionalEmbedding } from '@transformer-kit/positional';
   * import { tensor } from '@transformer-kit/tensor';
   * const wpe = LearnedPositionalEmbedding.random(16, 4);
   * wpe.lookup(tensor([[0, 1], [0, 1]].flat(), [2, 2], 'int32')); // [2, 2, 4]
   * ```
   */
  lookup(positions: Tensor): Tensor {
    if (positions.dtype !== 'int32') throw new RangeError(`LearnedPositionalEmbedding: positions must be int32, got ${positions.dtype}`);
    if (positions.backend.readSync) {
      const p = positions.dataSync();
      let last = -1;
      for (let i = 0; i < p.length; i++) {
        if (p[i] < 0) throw new RangeError(`LearnedPositionalEmbedding: position ${p[i]} is negative`);
        last = Math.max(last, p[i]);
      }
      this.checkPosition(last);
    }
    return gather(this.weight, positions, 0);
  }

  /**
   * x [..., seq, dim] plus the rows of positions offset … offset + seq − 1.
   *
   * @example
   * ```ts
   * import { LearnedPositionalEmbedding } from '@transformer-kit/positional';
   * import { zeros } from '@transformer-kit/tensor';
   * const wpe = LearnedPositionalEmbedding.random(16, 4);
   * wpe.add(zeros([1, 3, 4]), 5); // positions 5, 6, 7
   * ```
   */
  add(x: Tensor, offset = 0): Tensor {
    if (x.rank < 2 || x.shape[x.rank - 1] !== this.dim) {
      throw new RangeError(`LearnedPositionalEmbedding: x must be [..., seq, ${this.dim}], got [${x.shape.join(', ')}]`);
    }
    const rows = this.forward(x.shape[x.rank - 2], offset); // [seq, dim]
    const out = add(x, rows);
    rows.dispose();
    return out;
  }

  /**
   * Frees the table.
   *
   * @example
   * ```ts
   * import { LearnedPositionalEmbedding } from '@transformer-kit/positional';
   * LearnedPositionalEmbedding.random(8, 4).dispose();
   * ```
   */
  dispose(): void {
    this.weight.dispose();
  }

  private checkPosition(last: number): void {
    if (last >= this.maxPositions) {
      throw new RangeError(`LearnedPositionalEmbedding: position ${last} is past the ${this.maxPositions} learned positions (0..${this.maxPositions - 1})`);
    }
  }
}
