import { broadcastStrides, sizeOf, type Shape, type TensorHandle } from '@transformer-kit/tensor';
import { collapseWalk } from '../collapse-dims';
import { decompose, dot, ints, names, temp, tensors, type KernelPlan, type KernelSpec } from '../kernel-source';
import { fillCall } from './elementwise-kernels';
import { reduceSpec } from './reduce-kernels';

/**
 * C[batch, m, n] = Σ_k A[batch, m, k] · B[batch, k, n], one output element per thread.
 *
 * Operands are addressed by strides, so transposes cost nothing: A[m, k] is a[aOff + m·am + k·ak] (a
 * transposed A just swaps am/ak). Batch dimensions (collapsed to `batchRank`, broadcast with stride 0) give
 * each operand's matrix offset. The shared dimension runs [k0, k1): the whole of K, or one tile of it when
 * the backend splits K (`splits` > 1: thread t of tile s writes out[s · outSize + t], summed afterwards), so
 * a short output (one decode row) still spreads over many threads.
 */
export function matmulSpec(batchRank: number): KernelSpec {
  const batchDims = names('bd', batchRank);
  let body =
    'const tile = idiv(this.thread.x, outSize);\nconst o = this.thread.x - tile * outSize;\n' +
    'const col = imod(o, N);\nconst rowBatch = idiv(o, N);\nconst row = imod(rowBatch, M);\nconst batch = idiv(rowBatch, M);\n';
  if (batchRank > 0) {
    body += decompose(batchRank, 'q', 'bd', 'batch');
    body += `const aOff = ${dot('q', 'sa', batchRank)};\nconst bOff = ${dot('q', 'sb', batchRank)};\n`;
  } else {
    body += 'const aOff = 0;\nconst bOff = 0;\n';
  }
  body +=
    'const k0 = tile * kTile;\nconst k1 = minInt(K, k0 + kTile);\n' +
    'const aBase = aOff + row * am;\nconst bBase = bOff + col * bn;\n' +
    'let s = 0.0;\nfor (let k = k0; k < k1; k++) {\ns += a[aBase + k * ak] * b[bBase + k * bk];\n}\nreturn s;';
  return {
    params: [
      ...tensors('a', 'b'),
      ...ints('M', 'N', 'K', 'am', 'ak', 'bk', 'bn', 'outSize', 'kTile', ...batchDims.slice(1), ...names('sa', batchRank), ...names('sb', batchRank)),
    ],
    body,
  };
}

/**
 * How many tiles of K a matmul is split into. A fragment shader cannot share work between threads, so an
 * output of a few hundred elements (a decode step's row) would run on a handful of shader cores with long
 * loops; splitting K multiplies the threads, and a second launch sums the partials.
 */
export function splitCount(outSize: number, k: number): number {
  if (outSize >= 16384 || k < 512) return 1;
  return Math.max(1, Math.min(Math.floor(k / 128), Math.floor(16384 / outSize)));
}

/** [..., M, K] · [..., K, N] → outShape, batch dims broadcast; one launch, or two when K is split. */
export function matmulPlan(a: TensorHandle, b: TensorHandle, transposeA: boolean, transposeB: boolean, outShape: Shape): KernelPlan {
  const rank = outShape.length;
  const [m, n] = [outShape[rank - 2], outShape[rank - 1]];
  const k = transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
  const size = sizeOf(outShape);
  if (k === 0 && size > 0) return [fillCall(size, 0)];
  const batchShape = outShape.slice(0, rank - 2);
  const aBatch = broadcastStrides(a.shape.slice(0, -2), batchShape).map((s) => s * m * k);
  const bBatch = broadcastStrides(b.shape.slice(0, -2), batchShape).map((s) => s * k * n);
  const walk = collapseWalk(batchShape, [aBatch, bBatch]);
  const batchRank = walk.dims.length;
  const [am, ak] = transposeA ? [1, m] : [k, 1];
  const [bk, bn] = transposeB ? [1, k] : [n, 1];
  const splits = splitCount(size, k);
  const kTile = Math.ceil(k / splits);
  const partial = {
    key: `matmul:${batchRank}`,
    make: () => matmulSpec(batchRank),
    size: size * splits,
    args: [a, b, m, n, k, am, ak, bk, bn, size, kTile, ...walk.dims.slice(1), ...walk.strides[0], ...walk.strides[1]],
  };
  if (splits === 1) return [partial];
  // [splits, size] partial sums over tiles of K → [size]
  return [partial, { key: 'reduce:sum', make: () => reduceSpec('sum'), size, args: [temp(0), splits, size] }];
}
