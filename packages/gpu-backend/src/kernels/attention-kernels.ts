import { floats, ints, tensors, type KernelSpec } from '../kernel-source';

/**
 * Attention for q [batch, heads, seqQ, D] over a KV cache k, v [batch, kvHeads, cap, D] of which the first
 * L = kvLength positions are used, in two launches:
 *   1. scores [batch, heads, seqQ, L] = q·kᵀ·scale (query head h reads kv head ⌊h / group⌋);
 *   2. out [batch, heads, seqQ, D] = softmax(visible scores) · v, where query i sees keys
 *      0..min(L, queryOffset + i + 1) when causal (a row that sees nothing gives zeros).
 * L, queryOffset and the sizes are uniforms: the growing cache never recompiles.
 */
export function attentionScoresSpec(): KernelSpec {
  const body =
    'const j = imod(this.thread.x, L);\nconst rowIndex = idiv(this.thread.x, L);\n' +
    'const h = imod(idiv(rowIndex, seqQ), heads);\nconst b = idiv(rowIndex, seqQ * heads);\n' +
    'const kBase = ((b * kvHeads + idiv(h, group)) * cap + j) * D;\nconst qBase = rowIndex * D;\n' +
    'let s = 0.0;\nfor (let d = 0; d < D; d++) { s += q[qBase + d] * k[kBase + d]; }\nreturn s * scale;';
  return { params: [...tensors('q', 'k'), ...ints('L', 'seqQ', 'heads', 'kvHeads', 'group', 'cap', 'D'), ...floats('scale')], body };
}

/** The second launch: softmax over each row's visible scores, times v. */
export function attentionOutputSpec(): KernelSpec {
  const body =
    'const d = imod(this.thread.x, D);\nconst rowIndex = idiv(this.thread.x, D);\nconst i = imod(rowIndex, seqQ);\n' +
    'const h = imod(idiv(rowIndex, seqQ), heads);\nconst b = idiv(rowIndex, seqQ * heads);\n' +
    'let visible = L;\nif (causal === 1) { visible = minInt(L, queryOffset + i + 1); }\n' +
    'if (visible <= 0) { return 0.0; }\n' +
    'const sBase = rowIndex * L;\nconst vBase = (b * kvHeads + idiv(h, group)) * cap * D + d;\n' +
    'let m = scores[sBase];\nfor (let j1 = 0; j1 < visible; j1++) { const v1 = scores[sBase + j1]; if (v1 > m || v1 !== v1) { m = v1; } }\n' +
    'let sum = 0.0;\nlet acc = 0.0;\n' +
    'for (let j2 = 0; j2 < visible; j2++) { const e = Math.exp(scores[sBase + j2] - m); sum += e; acc += e * values[vBase + j2 * D]; }\n' +
    'return acc / sum;';
  return { params: [...tensors('scores', 'values'), ...ints('L', 'seqQ', 'heads', 'kvHeads', 'group', 'cap', 'D', 'causal', 'queryOffset')], body };
}
