import type { BinaryOp, UnaryOp } from '../backend';
import { isPackedDType, type DType } from '../dtype';
import { broadcastShapes } from '../shape';
import { Tensor } from '../tensor';
import { scalar } from './creation';
import { backendOf3, check, wrap } from './run-kernel';

/** A tensor, or a number that becomes a scalar of the other operand's dtype. */
export type Operand = Tensor | number;

const comparisons = new Set<BinaryOp>(['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual', 'logicalAnd', 'logicalOr']);

/** @internal Runs a unary kernel; int32/bool inputs are cast to float32 first. */
export function unaryOp(op: UnaryOp, x: Tensor): Tensor {
  const backend = backendOf3(op, x);
  if (x.dtype !== 'float32' && op !== 'logicalNot') {
    const f = castTo(x, 'float32');
    const out = wrap(backend, backend.unary(op, f), x.shape, 'float32');
    f.dispose();
    return out;
  }
  return wrap(backend, backend.unary(op, x), x.shape, op === 'logicalNot' ? 'bool' : 'float32');
}

/**
 * @internal Runs a broadcasting binary kernel. Numbers become scalars. The operands are computed in one
 * dtype: int32 when both are int32 (or an integer number), else float32; `div` is always float32.
 * Comparisons and logical ops return bool.
 */
export function binaryOp(op: BinaryOp, a: Operand, b: Operand): Tensor {
  const ta = a instanceof Tensor ? a : null;
  const tb = b instanceof Tensor ? b : null;
  const backend = backendOf3(op, ta, tb);
  const isInt = (x: Operand) => (x instanceof Tensor ? x.dtype === 'int32' : Number.isInteger(x));
  const compute: DType = op !== 'div' && isInt(a) && isInt(b) ? 'int32' : 'float32';
  const temps: Tensor[] = [];
  const prepare = (x: Operand): Tensor => {
    if (!(x instanceof Tensor)) {
      const s = scalar(x, compute, backend);
      temps.push(s);
      return s;
    }
    if (x.dtype === compute) return x;
    const c = castTo(x, compute);
    temps.push(c);
    return c;
  };
  const xa = prepare(a);
  const xb = prepare(b);
  const outShape = broadcastShapes(xa.shape, xb.shape);
  const outDType: DType = comparisons.has(op) ? 'bool' : compute;
  const out = wrap(backend, backend.binary(op, xa, xb, outShape, outDType), outShape, outDType);
  for (const t of temps) t.dispose();
  return out;
}

/**
 * Converts a tensor to another dtype (float → int32 rounds toward zero; any → bool is `!== 0`).
 *
 * @example
 * ```ts
 * import { castTo, tensor } from '@transformer-kit/tensor';
 * const ids = castTo(tensor([1.9, 2.2], [2]), 'int32'); // [1, 2]
 * ```
 */
export function castTo(x: Tensor, dtype: DType): Tensor {
  const backend = backendOf3('cast', x);
  if (x.dtype === dtype) return x.reshape(x.shape);
  check(!isPackedDType(dtype) && (!isPackedDType(x.dtype) || dtype === 'float32'), 'castTo', () => `cannot cast ${x.dtype} to ${dtype} (a packed weight casts to float32 only)`);
  return wrap(backend, backend.cast(x, dtype), x.shape, dtype);
}
