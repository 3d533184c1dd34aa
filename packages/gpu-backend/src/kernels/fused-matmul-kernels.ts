import { floats, ints, tensors, type KernelSpec } from '../kernel-source';
import { activationExpr } from './elementwise-kernels';

/** What a fused matmul does with its dot product `s` (and, for 'glu', the second one `s2`). */
export type MatmulEpilogue = 'none' | 'silu' | 'add' | 'glu';

/**
 * out [M, N] = epilogue(prologue(a) [M, K] · b), the row-times-weights shape of a decode step, one launch:
 *   - prologue `norm`: each thread RMS-normalises its row of a on the fly (x / sqrt(mean(x²) + eps) · gamma),
 *     so an RMSNorm feeding a projection costs no launch of its own;
 *   - epilogue 'silu' / 'add' (a residual r [M, N]) / 'glu' (silu(a·b) · (a·b2), SwiGLU's gate and up).
 * b[k, n] is b[n·bn + k·bk] (bn = 1, bk = N plain; bn = K, bk = 1 for a PyTorch-layout weight).
 */
export function fusedMatmulSpec(norm: boolean, hasGamma: boolean, epilogue: MatmulEpilogue): KernelSpec {
  let body = 'const col = imod(this.thread.x, N);\nconst row = idiv(this.thread.x, N);\nconst aBase = row * K;\nconst bBase = col * bn;\n';
  if (norm) body += 'let ss = 0.0;\nfor (let k0 = 0; k0 < K; k0++) { const v0 = a[aBase + k0]; ss += v0 * v0; }\nconst den = Math.sqrt(ss / K + eps);\n';
  body += 'let s = 0.0;\nlet s2 = 0.0;\nfor (let k = 0; k < K; k++) {\nlet av = a[aBase + k];\n';
  if (norm) body += hasGamma ? 'av = (av / den) * gamma[k];\n' : 'av = av / den;\n';
  body += 's += av * b[bBase + k * bk];\n';
  if (epilogue === 'glu') body += 's2 += av * b2[bBase + k * bk];\n';
  body += '}\n';
  const silu = activationExpr.silu.replace(/v/g, 's');
  if (epilogue === 'none') body += 'return s;';
  else if (epilogue === 'silu') body += `return ${silu};`;
  else if (epilogue === 'add') body += 'return s + r[this.thread.x];';
  else body += `return (${silu}) * s2;`;
  const inputs = ['a', 'b', ...(norm && hasGamma ? ['gamma'] : []), ...(epilogue === 'glu' ? ['b2'] : []), ...(epilogue === 'add' ? ['r'] : [])];
  return { params: [...tensors(...inputs), ...ints('N', 'K', 'bk', 'bn'), ...floats('eps')], body };
}
