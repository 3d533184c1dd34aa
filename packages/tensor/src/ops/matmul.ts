import { isPackedDType } from '../dtype';
import { broadcastShapes, formatShape } from '../shape';
import type { Tensor } from '../tensor';
import { backendOf3, check, requireFloat, wrap } from './run-kernel';

/** Options of `matmul`. */
export interface MatmulOptions {
  /** Use aᵀ (swap a's last two dimensions). */
  readonly transposeA?: boolean;
  /** Use bᵀ (swap b's last two dimensions): x · Wᵀ for PyTorch-layout [out, in] weights. */
  readonly transposeB?: boolean;
}

/**
 * Matrix product over the last two dimensions, with batch dimensions broadcast:
 * [..., M, K] · [..., K, N] → [..., M, N]. A 1-D operand is not promoted: reshape it explicitly.
 *
 * @example
 * ```ts
 * import { matmul, tensor } from '@transformer-kit/tensor';
 * const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);   // [tokens, in]
 * const w = tensor([1, 0, 0, 0, 1, 0], [2, 3]);   // [out, in] (PyTorch Linear layout)
 * const y = matmul(x, w, { transposeB: true });   // [tokens, out] = [[1, 2], [4, 5]]
 * ```
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const transposeA = options.transposeA ?? false;
  const transposeB = options.transposeB ?? false;
  requireFloat('matmul', a);
  if (isPackedDType(b.dtype)) {
    // a packed weight [out, in] is only ever the right operand of x · Wᵀ (a Linear layer, a tied head)
    check(transposeB && !transposeA && b.rank === 2, 'matmul', () => `a ${b.dtype} weight must be the right operand, [out, in] with transposeB, got ${formatShape(b.shape)}${transposeB ? 'ᵀ' : ''}`);
  } else {
    requireFloat('matmul', b);
  }
  check(a.rank >= 2 && b.rank >= 2, 'matmul', () => `operands need rank ≥ 2, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  const m = transposeA ? a.shape[a.rank - 1] : a.shape[a.rank - 2];
  const ka = transposeA ? a.shape[a.rank - 2] : a.shape[a.rank - 1];
  const kb = transposeB ? b.shape[b.rank - 1] : b.shape[b.rank - 2];
  const n = transposeB ? b.shape[b.rank - 2] : b.shape[b.rank - 1];
  check(ka === kb, 'matmul', () => `inner dimensions differ: ${formatShape(a.shape)}${transposeA ? 'ᵀ' : ''} · ${formatShape(b.shape)}${transposeB ? 'ᵀ' : ''} (${ka} vs ${kb})`);
  let outShape: number[];
  if (b.rank === 2) {
    // x [..., m, k] · W: a's batch dimensions as they are (every Linear layer; no broadcast to work out)
    outShape = a.shape.slice();
    outShape[a.rank - 2] = m;
    outShape[a.rank - 1] = n;
  } else {
    let batch: number[];
    try {
      batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
    } catch {
      throw new RangeError(`matmul: batch dimensions of ${formatShape(a.shape)} and ${formatShape(b.shape)} do not broadcast`);
    }
    outShape = [...batch, m, n];
  }
  const backend = backendOf3('matmul', a, b);
  return wrap(backend, backend.matmul(a, b, transposeA, transposeB, outShape), outShape, 'float32');
}
