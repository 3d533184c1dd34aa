import { decompose, dot, ints, names, tensors, type KernelSpec } from '../kernel-source';

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
