/**
 * RoPE for one forward pass: every layer rotates its q and k by the same positions, so the cos/sin rows of those
 * positions are sliced from the rotary tables once per pass instead of once per layer (two slices less per layer
 * of a decode step, where each op costs about a microsecond).
 */
import { applyRotary, keep, type Tensor } from '@transformer-kit/tensor';
import type { RotaryEmbedding } from '@transformer-kit/positional';
import type { RotateFn } from '@transformer-kit/attention';

/** A pass's rotation hook and the rows it holds; `dispose()` frees them when the pass ends. */
export interface StepRotation {
  readonly rotate: RotateFn;
  dispose(): void;
}

/**
 * The rotation hook of one forward pass over `rotary`'s tables: the same rotation as `rotary.rotateFn()`, with
 * the cos/sin rows of the last (positions, offset) asked kept until `dispose()`.
 *
 * @example
 * ```ts
 * import { RotaryEmbedding } from '@transformer-kit/positional';
 * import { randomNormal } from '@transformer-kit/tensor';
 * import { stepRotation } from './packages/transformer/src/models/step-rotation';
 * const rope = new RotaryEmbedding({ headDim: 8, layout: 'interleaved' });
 * const rotation = stepRotation(rope);
 * const q = randomNormal([1, 2, 1, 8], 0, 1, { seed: 1 }); // [batch, heads, seq, headDim]
 * const [rq, rk] = rotation.rotate(q, q, 5); // position 5; a second layer at position 5 reuses the rows
 * rotation.dispose();
 * ```
 */
export function stepRotation(rotary: RotaryEmbedding): StepRotation {
  let rows: { cos: Tensor; sin: Tensor; seq: number; offset: number } | null = null;
  const release = () => {
    rows?.cos.dispose();
    rows?.sin.dispose();
    rows = null;
  };
  const rotate: RotateFn = (q, k, positionOffset) => {
    const seq = q.shape[q.rank - 2];
    if (k.shape[k.rank - 2] !== seq) {
      throw new RangeError(`RotaryEmbedding: q has ${seq} positions but k has ${k.shape[k.rank - 2]}; rotate self-attention projections of the same positions`);
    }
    if (rows === null || rows.seq !== seq || rows.offset !== positionOffset) {
      release();
      const { cos, sin } = rotary.tables(seq, positionOffset); // [seq, rotaryDim/2] each
      // NOTE: keep(): the first layer's attention scope would free them, and the next layers use them too
      rows = { cos: keep(cos), sin: keep(sin), seq, offset: positionOffset };
    }
    return [applyRotary(q, rows.cos, rows.sin, rotary.layout), applyRotary(k, rows.cos, rows.sin, rotary.layout)];
  };
  return { rotate, dispose: release };
}
