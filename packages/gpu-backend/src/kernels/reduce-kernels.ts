import { sizeOf, type ReduceOp, type TensorHandle } from '@transformer-kit/tensor';
import { ints, tensors, type KernelPlan, type KernelSpec } from '../kernel-source';
import { fillCall } from './elementwise-kernels';

/** Loop header over the reduced axis of x seen as [outer, n, inner]; `base` is this output's first element. */
const prologue = 'const inner = imod(this.thread.x, innerSize);\nconst base = idiv(this.thread.x, innerSize) * n * innerSize + inner;\n';

const bodies: Record<ReduceOp, string> = {
  sum: 'let s = 0.0;\nfor (let j = 0; j < n; j++) { s += x[base + j * innerSize]; }\nreturn s;',
  mean: 'let s = 0.0;\nfor (let j = 0; j < n; j++) { s += x[base + j * innerSize]; }\nreturn s / n;',
  // NOTE: NaN wins in max/min/argmax (as torch); the first maximum wins in argmax.
  max: 'let m = x[base];\nlet nan = 0;\nfor (let j = 0; j < n; j++) { const v = x[base + j * innerSize]; if (v !== v) { nan = 1; m = v; } else if (nan === 0 && v > m) { m = v; } }\nreturn m;',
  min: 'let m = x[base];\nlet nan = 0;\nfor (let j = 0; j < n; j++) { const v = x[base + j * innerSize]; if (v !== v) { nan = 1; m = v; } else if (nan === 0 && v < m) { m = v; } }\nreturn m;',
  argmax: 'let m = x[base];\nlet best = 0;\nlet nan = 0;\nif (m !== m) { nan = 1; }\nfor (let j = 1; j < n; j++) { const v = x[base + j * innerSize]; if (nan === 0) { if (v !== v) { nan = 1; best = j; } else if (v > m) { m = v; best = j; } } }\nreturn best;',
  logSumExp:
    'let m = x[base];\nlet nan = 0;\nfor (let j = 0; j < n; j++) { const v = x[base + j * innerSize]; if (v !== v) { nan = 1; m = v; } else if (nan === 0 && v > m) { m = v; } }\n' +
    // NOTE: a NaN or ±Infinity maximum is the answer (x - Infinity would be NaN).
    'if (nan === 1 || Math.abs(m) > 3.0e38) { return m; }\n' +
    'let s = 0.0;\nfor (let j2 = 0; j2 < n; j2++) { s += Math.exp(x[base + j2 * innerSize] - m); }\nreturn m + Math.log(s);',
};

/** Reduces the middle axis of x seen as [outer, n, inner] (n ≥ 1; empty axes are handled by the backend). */
export function reduceSpec(op: ReduceOp): KernelSpec {
  const body = bodies[op];
  if (!body) throw new Error(`gpu backend: unknown reduce op '${op}'`);
  return { params: [...tensors('x'), ...ints('n', 'innerSize')], body: prologue + body };
}

/** What a reduction over an empty axis gives (argmax has no answer). */
const emptyReduction: Record<Exclude<ReduceOp, 'argmax'>, number> = { sum: 0, mean: NaN, max: -Infinity, min: Infinity, logSumExp: -Infinity };

/** Reduces `axis` of x away. */
export function reducePlan(op: ReduceOp, x: TensorHandle, axis: number): KernelPlan {
  const outer = sizeOf(x.shape.slice(0, axis));
  const n = x.shape[axis];
  const inner = sizeOf(x.shape.slice(axis + 1));
  const size = outer * inner;
  if (n === 0 && size > 0) {
    if (op === 'argmax') throw new RangeError('argmax of an empty dimension');
    return [fillCall(size, emptyReduction[op])];
  }
  return [{ key: `reduce:${op}`, make: () => reduceSpec(op), size, args: [x, n, inner] }];
}
