import type { BinaryOp, UnaryOp } from '../backend';
import { allocate, type DType, type TensorData } from '../dtype';
import { broadcastStrides, sizeOf, type Shape } from '../shape';
import { erf } from './erf';

const unaryFns: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  erf,
  // NOTE: NaN must propagate through relu (Math.max(0, NaN) is NaN, as torch.relu).
  relu: (x) => (x > 0 ? x : x === x ? 0 : x),
  reciprocal: (x) => 1 / x,
  square: (x) => x * x,
  sin: Math.sin,
  cos: Math.cos,
  floor: Math.floor,
  logicalNot: (x) => (x === 0 ? 1 : 0),
};

/** The dtype of a unary op's output: bool for logicalNot, float32 for the rest. */
export function unaryOutDType(op: UnaryOp): DType {
  return op === 'logicalNot' ? 'bool' : 'float32';
}

/** out[i] = op(x[i]), writing every element of `out` (which may hold stale values). */
export function unaryKernel(op: UnaryOp, x: TensorData, out: TensorData = allocate(unaryOutDType(op), x.length)): TensorData {
  const f = unaryFns[op];
  if (!f) throw new Error(`Unknown unary op '${op}'`);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
  return out;
}

const binaryFns: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  // NOTE: NaN propagates through maximum/minimum as in torch.maximum.
  maximum: (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b),
  minimum: (a, b) => (a !== a || b !== b ? NaN : a < b ? a : b),
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
  logicalAnd: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  logicalOr: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
};

/** Calls visit(outIndex, aIndex, bIndex) for every output element, walking broadcast strides. */
export function forEachBroadcast(outShape: Shape, aStrides: number[], bStrides: number[], visit: (o: number, ia: number, ib: number) => void): void {
  const rank = outShape.length;
  const size = sizeOf(outShape);
  if (size === 0) return;
  const idx = new Array<number>(rank).fill(0);
  let ia = 0;
  let ib = 0;
  for (let o = 0; o < size; o++) {
    visit(o, ia, ib);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      ia += aStrides[d];
      ib += bStrides[d];
      if (idx[d] < outShape[d]) break;
      ia -= aStrides[d] * outShape[d];
      ib -= bStrides[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

/** out = a op b, broadcast to outShape. Fast paths for equal shapes and a trailing-dims operand (bias, scalar). */
export function binaryKernel(
  op: BinaryOp, a: TensorData, aShape: Shape, b: TensorData, bShape: Shape, outShape: Shape, outDType: DType,
  out: TensorData = allocate(outDType, sizeOf(outShape)),
): TensorData {
  const size = sizeOf(outShape);
  const f = binaryFns[op];
  if (!f) throw new Error(`Unknown binary op '${op}'`);
  if (a.length === size && b.length === size) {
    switch (op) {
      case 'add': for (let i = 0; i < size; i++) out[i] = a[i] + b[i]; return out;
      case 'sub': for (let i = 0; i < size; i++) out[i] = a[i] - b[i]; return out;
      case 'mul': for (let i = 0; i < size; i++) out[i] = a[i] * b[i]; return out;
      case 'div': for (let i = 0; i < size; i++) out[i] = a[i] / b[i]; return out;
      default: for (let i = 0; i < size; i++) out[i] = f(a[i], b[i]); return out;
    }
  }
  if (a.length === size && isTrailing(bShape, outShape)) {
    const n = b.length;
    if (op === 'add') { for (let i = 0; i < size; i++) out[i] = a[i] + b[i % n]; return out; }
    if (op === 'mul') { for (let i = 0; i < size; i++) out[i] = a[i] * b[i % n]; return out; }
    for (let i = 0; i < size; i++) out[i] = f(a[i], b[i % n]);
    return out;
  }
  if (b.length === size && isTrailing(aShape, outShape)) {
    const n = a.length;
    for (let i = 0; i < size; i++) out[i] = f(a[i % n], b[i]);
    return out;
  }
  forEachBroadcast(outShape, broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape), (o, ia, ib) => {
    out[o] = f(a[ia], b[ib]);
  });
  return out;
}

/** True when `shape` (without leading 1s) equals the trailing dimensions of `outShape`, so index = i mod size. */
function isTrailing(shape: Shape, outShape: Shape): boolean {
  let s = 0;
  while (s < shape.length && shape[s] === 1) s++;
  const rest = shape.length - s;
  if (rest > outShape.length) return false;
  for (let i = 0; i < rest; i++) if (shape[s + i] !== outShape[outShape.length - rest + i]) return false;
  return true;
}

/** cond ? a : b with broadcasting to outShape. */
export function whereKernel(
  cond: TensorData, condShape: Shape, a: TensorData, aShape: Shape, b: TensorData, bShape: Shape, outShape: Shape, dtype: DType,
  out: TensorData = allocate(dtype, sizeOf(outShape)),
): TensorData {
  const cs = broadcastStrides(condShape, outShape);
  const as = broadcastStrides(aShape, outShape);
  const bs = broadcastStrides(bShape, outShape);
  const rank = outShape.length;
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let ic = 0, ia = 0, ib = 0;
    for (let d = 0; d < rank; d++) { ic += idx[d] * cs[d]; ia += idx[d] * as[d]; ib += idx[d] * bs[d]; }
    out[o] = cond[ic] !== 0 ? a[ia] : b[ib];
    for (let d = rank - 1; d >= 0; d--) { if (++idx[d] < outShape[d]) break; idx[d] = 0; }
  }
  return out;
}
