/**
 * Rotary position embeddings (RoPE) as a layer: rotates queries and keys by their absolute positions so that
 * q·k depends only on the distance between them. Two layouts of the same rotation:
 * - `interleaved`: pairs (2i, 2i+1) — llama2.c, Meta's Llama, GPT-J;
 * - `halves`: pairs (i, i + rotaryDim/2) — Hugging Face Llama, GPT-NeoX.
 * Partial rotary (GPT-NeoX's rotary_pct): only the first `rotaryDim` dimensions of each head turn, with
 * frequencies over rotaryDim; the rest pass through.
 *
 * The cos/sin tables are computed for the positions actually used and sliced per call: a decode step costs a
 * slice of one row, not a new table. The first table covers min(maxLength, 256) positions and asking past it
 * doubles it (amortised), so a model that declares a huge context (2^24 positions) pays only for the
 * positions it runs, never for the declared maximum.
 */
import { applyRotary, keep, slice, type RotaryLayout, type Tensor } from '@transformer-kit/tensor';
import { rotaryFrequencies, rotaryTables, type RotaryTables } from './rotary-tables';

export type { RotaryLayout };

/** Rows of the first cos/sin table (at most): 256 positions × rotaryDim/2 floats, a few kilobytes per head size. */
const FIRST_TABLE_ROWS = 256;

/**
 * The hook `MultiHeadAttention` (from `@transformer-kit/attention`) calls to rotate q [batch, heads, seq, headDim]
 * and k [batch, kvHeads, seq, headDim] whose first row is at `positionOffset`. Structurally identical to
 * attention's `RotateFn`, so neither package depends on the other.
 */
export type RotateFn = (q: Tensor, k: Tensor, positionOffset: number) => [Tensor, Tensor];

/** Options of `new RotaryEmbedding(...)`. */
export interface RotaryEmbeddingOptions {
  /** Dimension of each attention head. */
  readonly headDim: number;
  /** Dimensions that rotate (even, ≤ headDim). Default headDim. */
  readonly rotaryDim?: number;
  /** θ. Default 10000. */
  readonly theta?: number;
  /** Per-pair frequency divisors (Llama 3.1+'s RoPE scaling), rotaryDim / 2 of them; see `RotaryTableOptions`. */
  readonly frequencyFactors?: ArrayLike<number>;
  /** Pair layout. Default 'halves' (Hugging Face); llama2.c checkpoints use 'interleaved'. */
  readonly layout?: RotaryLayout;
  /**
   * The context the caller expects. The first table covers min(maxLength, 256) positions (never the whole
   * declared context); it grows by doubling as positions are used. Default 2048.
   */
  readonly maxLength?: number;
}

/**
 * Rotary position embeddings with cached tables.
 *
 * @example
 * ```ts
 * import { RotaryEmbedding } from '@transformer-kit/positional';
 * import { randomNormal } from '@transformer-kit/tensor';
 * const rope = new RotaryEmbedding({ headDim: 8, layout: 'interleaved', maxLength: 512 });
 * const q = rope.apply(randomNormal([1, 2, 6, 8], 0, 1, { seed: 1 }));     // positions 0..5
 * const step = rope.apply(randomNormal([1, 2, 1, 8], 0, 1, { seed: 2 }), 6); // one token at position 6
 * // with @transformer-kit/attention: mha.forward(x, undefined, { rotate: rope.rotateFn(), cache })
 * rope.dispose();
 * ```
 */
export class RotaryEmbedding {
  readonly headDim: number;
  readonly rotaryDim: number;
  readonly theta: number;
  readonly layout: RotaryLayout;
  /** The frequency divisors, or null for plain RoPE. */
  readonly frequencyFactors: Float64Array | null;
  #tables: RotaryTables | null = null;
  #capacity: number;

  constructor(options: RotaryEmbeddingOptions) {
    const { headDim } = options;
    const rotaryDim = options.rotaryDim ?? headDim;
    if (!Number.isInteger(headDim) || headDim < 2) throw new RangeError(`RotaryEmbedding: headDim must be an integer ≥ 2, got ${headDim}`);
    if (!Number.isInteger(rotaryDim) || rotaryDim < 2 || rotaryDim % 2 !== 0 || rotaryDim > headDim) {
      throw new RangeError(`RotaryEmbedding: rotaryDim must be an even integer in 2..headDim (${headDim}), got ${rotaryDim}`);
    }
    const layout = options.layout ?? 'halves';
    if (layout !== 'interleaved' && layout !== 'halves') throw new RangeError(`RotaryEmbedding: layout must be 'interleaved' or 'halves', got '${layout}'`);
    this.headDim = headDim;
    this.rotaryDim = rotaryDim;
    this.theta = options.theta ?? 10000;
    this.layout = layout;
    this.frequencyFactors = options.frequencyFactors ? Float64Array.from(options.frequencyFactors) : null;
    rotaryFrequencies(rotaryDim, this.theta, this.frequencyFactors ?? undefined); // checks the factors now, not at first use
    const maxLength = options.maxLength ?? 2048;
    if (!Number.isInteger(maxLength) || maxLength < 1) throw new RangeError(`RotaryEmbedding: maxLength must be an integer ≥ 1, got ${maxLength}`);
    // NOTE: a declared context is a promise from the checkpoint, not a use: tables grow with the positions used.
    this.#capacity = Math.min(maxLength, FIRST_TABLE_ROWS);
  }

  /** Positions the cached tables cover now (0 before first use; then min(maxLength, 256), doubling as positions are used). */
  get cachedLength(): number {
    return this.#tables ? this.#tables.cos.shape[0] : 0;
  }

  /**
   * cos/sin [length, rotaryDim / 2] for positions offset … offset + length − 1, sliced from the cached tables.
   * The caller owns (and disposes) the returned slices.
   *
   * @example
   * ```ts
   * import { RotaryEmbedding } from '@transformer-kit/positional';
   * const rope = new RotaryEmbedding({ headDim: 64, theta: 500000 });
   * const { cos, sin } = rope.tables(1, 37); // [1, 32] each: position 37
   * ```
   */
  tables(length: number, offset = 0): RotaryTables {
    if (!Number.isInteger(length) || length < 0 || !Number.isInteger(offset) || offset < 0) {
      throw new RangeError(`RotaryEmbedding: length and offset must be integers ≥ 0, got ${length} and ${offset}`);
    }
    const full = this.ensure(offset + length);
    const half = this.rotaryDim / 2;
    return { cos: slice(full.cos, [offset, 0], [length, half]), sin: slice(full.sin, [offset, 0], [length, half]) };
  }

  /**
   * Rotates x [..., seq, headDim] whose first row is at position `offset`.
   *
   * @example
   * ```ts
   * import { RotaryEmbedding } from '@transformer-kit/positional';
   * import { randomNormal } from '@transformer-kit/tensor';
   * const rope = new RotaryEmbedding({ headDim: 16, theta: 500000, layout: 'halves' });
   * rope.apply(randomNormal([1, 3, 5, 16]), 37); // rows at positions 37..41
   * ```
   */
  apply(x: Tensor, offset = 0): Tensor {
    if (x.rank < 2 || x.shape[x.rank - 1] !== this.headDim) {
      throw new RangeError(`RotaryEmbedding: x must be [..., seq, headDim ${this.headDim}], got [${x.shape.join(', ')}]`);
    }
    const { cos, sin } = this.tables(x.shape[x.rank - 2], offset); // [seq, rotaryDim/2]
    const out = applyRotary(x, cos, sin, this.layout); // [..., seq, headDim]
    cos.dispose();
    sin.dispose();
    return out;
  }

  /**
   * The hook for `MultiHeadAttention.forward`'s `rotate` option: rotates q and k by the same positions.
   *
   * @example
   * ```ts
   * import { RotaryEmbedding } from '@transformer-kit/positional';
   * const rope = new RotaryEmbedding({ headDim: 8, layout: 'interleaved' });
   * const rotate = rope.rotateFn(); // (q, k, positionOffset) => [q', k']
   * ```
   */
  rotateFn(): RotateFn {
    return (q, k, positionOffset) => {
      const seq = q.shape[q.rank - 2];
      if (k.shape[k.rank - 2] !== seq) {
        throw new RangeError(`RotaryEmbedding: q has ${seq} positions but k has ${k.shape[k.rank - 2]}; rotate self-attention projections of the same positions`);
      }
      const { cos, sin } = this.tables(seq, positionOffset);
      const out: [Tensor, Tensor] = [applyRotary(q, cos, sin, this.layout), applyRotary(k, cos, sin, this.layout)];
      cos.dispose();
      sin.dispose();
      return out;
    };
  }

  /**
   * Frees the cached tables (they are rebuilt on next use).
   *
   * @example
   * ```ts
   * import { RotaryEmbedding } from '@transformer-kit/positional';
   * new RotaryEmbedding({ headDim: 8 }).dispose();
   * ```
   */
  dispose(): void {
    this.#tables?.cos.dispose();
    this.#tables?.sin.dispose();
    this.#tables = null;
  }

  /** The cached tables, covering at least `needed` positions. */
  private ensure(needed: number): RotaryTables {
    if (this.#tables && this.#tables.cos.shape[0] >= needed) return this.#tables;
    while (this.#capacity < needed) this.#capacity *= 2;
    this.dispose();
    const t = rotaryTables(this.#capacity, this.rotaryDim, { theta: this.theta, frequencyFactors: this.frequencyFactors ?? undefined });
    // NOTE: keep() so tables first built inside someone's tidy() outlive it.
    this.#tables = { cos: keep(t.cos), sin: keep(t.sin) };
    return this.#tables;
  }
}
