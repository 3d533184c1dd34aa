import type { ReduceOp } from '../backend';
import { allocate, type TensorData } from '../dtype';
import type { Shape } from '../shape';

/**
 * Reduces `axis` of x: the tensor is seen as [outer, n, inner] and each (outer, inner) column is folded.
 * NaN propagates through max/min (as torch.max); argmax returns the first index of the maximum (NaN counts as max).
 */
export function reduceKernel(op: ReduceOp, x: TensorData, shape: Shape, axis: number): TensorData {
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  const n = shape[axis];
  let inner = 1;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  const out = allocate(op === 'argmax' ? 'int32' : x instanceof Int32Array && op !== 'mean' && op !== 'logSumExp' ? 'int32' : 'float32', outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      out[o * inner + i] = reduceColumn(op, x, base, n, inner);
    }
  }
  return out;
}

function reduceColumn(op: ReduceOp, x: TensorData, base: number, n: number, stride: number): number {
  switch (op) {
    case 'sum':
    case 'mean': {
      let s = 0;
      for (let j = 0; j < n; j++) s += x[base + j * stride];
      return op === 'mean' ? s / n : s;
    }
    case 'max':
    case 'min': {
      if (n === 0) return op === 'max' ? -Infinity : Infinity;
      let m = x[base];
      // NOTE: one loop per op, not the op tested at every element (a greedy step takes max over 32000 logits)
      if (op === 'max') {
        for (let j = 1; j < n; j++) {
          const v = x[base + j * stride];
          if (v !== v) return NaN;
          if (v > m) m = v;
        }
      } else {
        for (let j = 1; j < n; j++) {
          const v = x[base + j * stride];
          if (v !== v) return NaN;
          if (v < m) m = v;
        }
      }
      return m;
    }
    case 'argmax': {
      if (n === 0) throw new RangeError('argmax of an empty dimension');
      let best = 0;
      let m = x[base];
      if (m !== m) return 0;
      for (let j = 1; j < n; j++) {
        const v = x[base + j * stride];
        if (v !== v) return j;
        if (v > m) { m = v; best = j; }
      }
      return best;
    }
    case 'logSumExp': {
      let m = -Infinity;
      for (let j = 0; j < n; j++) {
        const v = x[base + j * stride];
        if (v !== v) return NaN;
        if (v > m) m = v;
      }
      if (m === -Infinity || m === Infinity) return m;
      let s = 0;
      for (let j = 0; j < n; j++) s += Math.exp(x[base + j * stride] - m);
      return m + Math.log(s);
    }
    default:
      throw new Error(`Unknown reduce op '${String(op)}'`);
  }
}
