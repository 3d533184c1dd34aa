import { broadcastStrides, sizeOf, type BinaryOp, type DType, type Shape, type TensorHandle, type UnaryOp } from '@transformer-kit/tensor';
import { collapseWalk } from '../collapse-dims';
import { decompose, dot, floats, ints, names, tensors, type KernelCall, type KernelPlan, type KernelSpec } from '../kernel-source';

/** One output element of a unary op, as an expression of `v`. */
const unaryExpr: Record<UnaryOp, string> = {
  neg: '-v',
  abs: 'Math.abs(v)',
  // NOTE: SwiftShader's exp(NaN) is Infinity, its log(0) is -88.03 and its log(-1) is 0: pinned to IEEE
  // here (-1 / |0| is -Infinity at run time; sqrt of a negative is NaN there, the conformance suite checks).
  exp: 'v !== v ? v : Math.exp(v)',
  log: 'v === 0.0 ? -1.0 / Math.abs(v) : (v < 0.0 ? Math.sqrt(v) : Math.log(v))',
  sqrt: 'Math.sqrt(v)',
  rsqrt: '1.0 / Math.sqrt(v)',
  tanh: 'v !== v ? v : tkTanh(v)',
  sigmoid: 'v !== v ? v : 1.0 / (1.0 + Math.exp(-v))',
  erf: 'v !== v ? v : tkErf(v)',
  // NOTE: NaN must propagate through relu (torch.relu(NaN) is NaN); v * 0 would turn -Infinity into NaN.
  relu: 'v > 0.0 ? v : (v === v ? 0.0 : v)',
  reciprocal: '1.0 / v',
  square: 'v * v',
  sin: 'Math.sin(v)',
  cos: 'Math.cos(v)',
  floor: 'Math.floor(v)',
  logicalNot: 'v === 0.0 ? 1.0 : 0.0',
  // NOTE: gelu/silu are the optional fused activations, sharing this elementwise path.
};

/** Fused activations on the same one-input path. */
export const activationExpr = {
  geluNone: '0.5 * v * (1.0 + tkErf(v * 0.7071067811865476))',
  geluTanh: '0.5 * v * (1.0 + tkTanh(0.7978845608028654 * (v + 0.044715 * v * v * v)))',
  silu: 'v / (1.0 + Math.exp(-v))',
  // float → int32 rounds toward zero; → bool is !== 0 (NaN is true, as on the CPU).
  toInt32: 'v >= 0.0 ? Math.floor(v) : -Math.floor(-v)',
  toBool: 'v !== 0.0 ? 1.0 : 0.0',
  copy: 'v',
} as const;

/** out[i] = f(x[i]) for an expression of `v`. */
export function mapSpec(expr: string): KernelSpec {
  return { params: tensors('x'), body: `const v = x[this.thread.x];\nreturn ${expr};` };
}

/** The expression of a unary op. */
export function unaryExpression(op: UnaryOp): string {
  const expr = unaryExpr[op];
  if (!expr) throw new Error(`gpu backend: unknown unary op '${op}'`);
  return expr;
}

const binaryExpr: Record<BinaryOp, string> = {
  add: 'x + y',
  sub: 'x - y',
  mul: 'x * y',
  div: 'x / y',
  pow: 'tkPow(x, y)',
  // NOTE: NaN propagates through maximum/minimum as in torch.maximum; GLSL max() leaves it undefined.
  maximum: '(x !== x || y !== y) ? x + y : (x > y ? x : y)',
  minimum: '(x !== x || y !== y) ? x + y : (x < y ? x : y)',
  equal: 'x === y ? 1.0 : 0.0',
  notEqual: 'x !== y ? 1.0 : 0.0',
  less: 'x < y ? 1.0 : 0.0',
  lessEqual: 'x <= y ? 1.0 : 0.0',
  greater: 'x > y ? 1.0 : 0.0',
  greaterEqual: 'x >= y ? 1.0 : 0.0',
  logicalAnd: '(x !== 0.0 && y !== 0.0) ? 1.0 : 0.0',
  logicalOr: '(x !== 0.0 || y !== 0.0) ? 1.0 : 0.0',
};

/**
 * out = a op b over a collapsed broadcast walk of `rank` dims: uniforms d1.. (dims), sa.., sb.. (strides).
 * `roundInt`: an int32 result of pow is rounded (pow(3, 2) may come out 8.9999995 in a shader).
 */
export function binarySpec(op: BinaryOp, rank: number, roundInt: boolean): KernelSpec {
  const expr = binaryExpr[op];
  if (!expr) throw new Error(`gpu backend: unknown binary op '${op}'`);
  const body =
    decompose(rank, 'c', 'd') +
    `const x = a[${dot('c', 'sa', rank)}];\nconst y = b[${dot('c', 'sb', rank)}];\n` +
    (roundInt ? `const r = ${expr};\nreturn Math.floor(r + 0.5);` : `return ${expr};`);
  return { params: [...tensors('a', 'b'), ...ints(...names('d', rank).slice(1), ...names('sa', rank), ...names('sb', rank))], body };
}

/** out = cond != 0 ? a : b over a collapsed broadcast walk. */
export function whereSpec(rank: number): KernelSpec {
  const body =
    decompose(rank, 'c', 'd') +
    `if (cond[${dot('c', 'sc', rank)}] !== 0.0) {\nreturn a[${dot('c', 'sa', rank)}];\n}\nreturn b[${dot('c', 'sb', rank)}];`;
  return {
    params: [...tensors('cond', 'a', 'b'), ...ints(...names('d', rank).slice(1), ...names('sc', rank), ...names('sa', rank), ...names('sb', rank))],
    body,
  };
}

/** Every element = value (empty reductions, matmul with K = 0). */
export function fillSpec(): KernelSpec {
  return { params: floats('value'), body: 'return value;' };
}

/** Host values → a texture (the upload). */
export function uploadSpec(): KernelSpec {
  return { params: [{ name: 'values', kind: 'host' }], body: 'return values[this.thread.x];' };
}

// ---- argument packing ----

/** out[i] = f(x[i]) under the program key `key`. */
export function mapPlan(key: string, expr: string, x: TensorHandle): KernelPlan {
  return [{ key, make: () => mapSpec(expr), size: sizeOf(x.shape), args: [x] }];
}

/** Elementwise `op(x)`. */
export function unaryPlan(op: UnaryOp, x: TensorHandle): KernelPlan {
  return mapPlan(`unary:${op}`, unaryExpression(op), x);
}

/** `a op b` broadcast into `outShape`. */
export function binaryPlan(op: BinaryOp, a: TensorHandle, b: TensorHandle, outShape: Shape, outDType: DType): KernelPlan {
  const walk = collapseWalk(outShape, [broadcastStrides(a.shape, outShape), broadcastStrides(b.shape, outShape)]);
  const rank = walk.dims.length;
  const roundInt = outDType === 'int32' && op === 'pow';
  return [{
    key: `binary:${op}:${rank}:${roundInt}`,
    make: () => binarySpec(op, rank, roundInt),
    size: sizeOf(outShape),
    args: [a, b, ...walk.dims.slice(1), ...walk.strides[0], ...walk.strides[1]],
  }];
}

/** `cond ? a : b` broadcast into `outShape`. */
export function wherePlan(cond: TensorHandle, a: TensorHandle, b: TensorHandle, outShape: Shape): KernelPlan {
  const walk = collapseWalk(outShape, [cond, a, b].map((t) => broadcastStrides(t.shape, outShape)));
  const rank = walk.dims.length;
  return [{
    key: `where:${rank}`,
    make: () => whereSpec(rank),
    size: sizeOf(outShape),
    args: [cond, a, b, ...walk.dims.slice(1), ...walk.strides[0], ...walk.strides[1], ...walk.strides[2]],
  }];
}

/** A dtype conversion (values stay float32 on the device; int32 truncates, bool is !== 0). */
export function castPlan(x: TensorHandle, dtype: DType): KernelPlan {
  const expr = dtype === 'bool' ? activationExpr.toBool : dtype === 'int32' && x.dtype === 'float32' ? activationExpr.toInt32 : activationExpr.copy;
  return mapPlan(`cast:${expr === activationExpr.copy ? 'copy' : dtype}`, expr, x);
}

/** `size` copies of `value`. */
export function fillCall(size: number, value: number): KernelCall {
  return { key: 'fill', make: fillSpec, size, args: [value] };
}

/** Host floats → a texture. */
export function uploadCall(values: Float32Array): KernelCall {
  return { key: 'upload', make: uploadSpec, size: values.length, args: [values] };
}
