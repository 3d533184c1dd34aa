import type { FusedAttentionOptions, TensorHandle } from '@transformer-kit/tensor';
import { product } from '../collapse-dims';
import { floats, ints, names, tensors, type KernelArg, type KernelPlan, type KernelSpec } from '../kernel-source';

/**
 * Attention for q [batch, heads, seqQ, D] over keys/values held in `blocks` textures each: block t holds
 * positions t·P .. t·P + P - 1 as [batch·kvHeads, P, D] (a contiguous cache is one block with P = its length).
 * One launch: each output element (b, h, i, d) walks the visible positions 0..min(L, queryOffset + i + 1)
 * (all L when not causal) with an online softmax — the running maximum rescales the sums, so no scores
 * texture is written. Query head h reads kv head ⌊h / group⌋; a row that sees nothing gives zeros.
 * L, queryOffset and the sizes are uniforms: the growing cache never recompiles (a new block count does).
 */
export function attentionSpec(blocks: number): KernelSpec {
  let body =
    'const d = imod(this.thread.x, D);\nconst rowIndex = idiv(this.thread.x, D);\nconst i = imod(rowIndex, seqQ);\n' +
    'const h = imod(idiv(rowIndex, seqQ), heads);\nconst b = idiv(rowIndex, seqQ * heads);\n' +
    'let visible = L;\nif (causal === 1) { visible = minInt(L, queryOffset + i + 1); }\n' +
    'if (visible <= 0) { return 0.0; }\n' +
    'const kvRow = (b * kvHeads + idiv(h, group)) * P;\nconst qBase = rowIndex * D;\n' +
    'let mx = 0.0;\nlet sum = 0.0;\nlet acc = 0.0;\nlet started = 0;\n';
  for (let t = 0; t < blocks; t++) {
    // NOTE: distinct names per block: gpu.js hoists loop variables into one GLSL scope.
    body +=
      `const n${t} = minInt(P, visible - ${t} * P);\n` +
      `for (let r${t} = 0; r${t} < n${t}; r${t}++) {\n` +
      `const base${t} = (kvRow + r${t}) * D;\n` +
      `let s${t} = 0.0;\nfor (let e${t} = 0; e${t} < D; e${t}++) { s${t} += q[qBase + e${t}] * k${t}[base${t} + e${t}]; }\n` +
      `s${t} = s${t} * scale;\nconst v${t} = w${t}[base${t} + d];\n` +
      `if (started === 0) { mx = s${t}; sum = 1.0; acc = v${t}; started = 1; }\n` +
      `else if (s${t} > mx || s${t} !== s${t}) { const c${t} = Math.exp(mx - s${t}); sum = sum * c${t} + 1.0; acc = acc * c${t} + v${t}; mx = s${t}; }\n` +
      `else { const p${t} = Math.exp(s${t} - mx); sum += p${t}; acc += p${t} * v${t}; }\n` +
      '}\n';
  }
  body += 'return acc / sum;';
  return {
    params: [...tensors('q', ...names('k', blocks), ...names('w', blocks)), ...ints('L', 'seqQ', 'heads', 'kvHeads', 'group', 'P', 'D', 'causal', 'queryOffset'), ...floats('scale')],
    body,
  };
}

/** Keys and values as blocks of `positions` positions each (textures, or tensors for a contiguous cache). */
export interface AttentionSource {
  readonly keys: readonly KernelArg[];
  readonly values: readonly KernelArg[];
  readonly positions: number;
}

/** The one launch of fused attention over `source`. */
export function attentionPlan(q: TensorHandle, kvHeads: number, source: AttentionSource, options: FusedAttentionOptions): KernelPlan {
  const [, heads, seqQ, headDim] = q.shape;
  const count = source.keys.length;
  return [{
    key: `attention:${count}`,
    make: () => attentionSpec(count),
    size: product(q.shape),
    args: [q, ...source.keys, ...source.values, options.kvLength, seqQ, heads, kvHeads, heads / kvHeads, source.positions, headDim, options.causal ? 1 : 0, options.queryOffset, options.scale],
  }];
}
