import { sizeOf, type FusedAttentionOptions, type TensorHandle } from '@transformer-kit/tensor';
import { floats, ints, names, temp, tensors, type KernelArg, type KernelCall, type KernelPlan, type KernelSpec } from '../kernel-source';

/** Which launch of an attention plan a program is: whether it continues a partial, whether it finishes. */
export interface AttentionStage {
  /** Reads the partial the previous launch wrote (`prev`) and continues from it. */
  readonly continues: boolean;
  /** Writes the output [batch, heads, seqQ, D]; else a partial [batch·heads·seqQ, D + 2]. */
  readonly finishes: boolean;
}

/**
 * Attention for q [batch, heads, seqQ, D] over `blocks` blocks of keys/values: block t of this launch holds
 * positions (first + t)·P .. (first + t)·P + P - 1 as [batch·kvHeads, P, D] (a contiguous cache is one block
 * with P = its length). Each thread walks the visible positions of its blocks (0..min(L, queryOffset + i + 1),
 * all L when not causal) with an online softmax — the running maximum rescales the sums, so no scores texture
 * is written. Query head h reads kv head ⌊h / group⌋.
 *
 * A cache longer than one launch can bind (MAX_TEXTURE_IMAGE_UNITS) is read in several launches, flash-decoding
 * style: a launch that does not finish writes, per query row, its running state [acc_0..acc_{D-1}, max, sum]
 * (a partial of D + 2 floats), and the next launch starts from that state instead of from nothing. The math is
 * the one-launch online softmax, cut between blocks. The finishing launch writes acc / sum (zeros for a row
 * that sees nothing). L, first, queryOffset and the sizes are uniforms: the growing cache never recompiles.
 */
export function attentionSpec(blocks: number, stage: AttentionStage): KernelSpec {
  let body =
    'const slot = imod(this.thread.x, W);\nconst d = minInt(slot, D - 1);\nconst rowIndex = idiv(this.thread.x, W);\n' +
    'const i = imod(rowIndex, seqQ);\nconst h = imod(idiv(rowIndex, seqQ), heads);\nconst b = idiv(rowIndex, seqQ * heads);\n' +
    'let visible = L;\nif (causal === 1) { visible = minInt(L, queryOffset + i + 1); }\n' +
    'const kvRow = (b * kvHeads + idiv(h, group)) * P;\nconst qBase = rowIndex * D;\n' +
    'let mx = 0.0;\nlet sum = 0.0;\nlet acc = 0.0;\nlet started = 0;\n';
  if (stage.continues) {
    // NOTE: a started row has sum >= 1 (its maximum contributes exp(0)); a NaN sum stays started, so NaN propagates.
    body +=
      'const pBase = rowIndex * (D + 2);\nconst sum0 = prev[pBase + D + 1];\n' +
      'if (sum0 >= 0.5 || sum0 !== sum0) { started = 1; mx = prev[pBase + D]; sum = sum0; acc = prev[pBase + d]; }\n';
  }
  for (let t = 0; t < blocks; t++) {
    // NOTE: distinct names per block: gpu.js hoists loop variables into one GLSL scope.
    body +=
      `const n${t} = minInt(P, visible - (first + ${t}) * P);\n` +
      `for (let r${t} = 0; r${t} < n${t}; r${t}++) {\n` +
      `const base${t} = (kvRow + r${t}) * D;\n` +
      `let s${t} = 0.0;\nfor (let e${t} = 0; e${t} < D; e${t}++) { s${t} += q[qBase + e${t}] * k${t}[base${t} + e${t}]; }\n` +
      `s${t} = s${t} * scale;\nconst v${t} = w${t}[base${t} + d];\n` +
      `if (started === 0) { mx = s${t}; sum = 1.0; acc = v${t}; started = 1; }\n` +
      `else if (s${t} > mx || s${t} !== s${t}) { const c${t} = Math.exp(mx - s${t}); sum = sum * c${t} + 1.0; acc = acc * c${t} + v${t}; mx = s${t}; }\n` +
      `else { const p${t} = Math.exp(s${t} - mx); sum += p${t}; acc += p${t} * v${t}; }\n` +
      '}\n';
  }
  body += stage.finishes
    ? 'if (started === 0) { return 0.0; }\nreturn acc / sum;'
    : 'if (slot === D) { return mx; }\nif (slot === D + 1) { return sum; }\nreturn acc;';
  return {
    params: [
      ...tensors('q', ...(stage.continues ? ['prev'] : []), ...names('k', blocks), ...names('w', blocks)),
      ...ints('L', 'seqQ', 'heads', 'kvHeads', 'group', 'P', 'D', 'causal', 'queryOffset', 'first', 'W'),
      ...floats('scale'),
    ],
    body,
  };
}

/**
 * Keys and values as blocks of `positions` positions each (textures, or tensors for a contiguous cache), and
 * how many blocks of each one launch may bind (`perLaunch`, from MAX_TEXTURE_IMAGE_UNITS).
 */
export interface AttentionSource {
  readonly keys: readonly KernelArg[];
  readonly values: readonly KernelArg[];
  readonly positions: number;
  readonly perLaunch: number;
}

/**
 * The launches of fused attention over `source`: one when every block fits one launch, else one per group of
 * `perLaunch` blocks that `kvLength` reaches into, each continuing the previous one's partial. Every launch binds
 * the same number of blocks (padding past the cache is never read), so a generation compiles at most three
 * programs (first, middle, last) and the launch count grows by one per `perLaunch · positions` positions —
 * nothing is joined or copied, whatever the cache length.
 */
export function attentionPlan(q: TensorHandle, kvHeads: number, source: AttentionSource, options: FusedAttentionOptions): KernelPlan {
  const [, heads, seqQ, headDim] = q.shape;
  const { keys, values, positions } = source;
  const count = Math.min(keys.length, Math.max(1, source.perLaunch));
  // NOTE: at least one launch, so a row that sees nothing still gets its zeros (and a 0-position tensor no NaN count).
  const reached = Math.min(keys.length, Math.max(1, Math.ceil(options.kvLength / Math.max(1, positions))));
  const groups = Math.ceil(reached / count);
  const rows = sizeOf(q.shape) / headDim;
  const uniforms = [options.kvLength, seqQ, heads, kvHeads, heads / kvHeads, positions, headDim, options.causal ? 1 : 0, options.queryOffset];
  const plan: KernelCall[] = [];
  for (let g = 0; g < groups; g++) {
    const first = g * count;
    // Blocks past the cache's last stand in for the missing ones of the last group (their positions are past L).
    const pick = (xs: readonly KernelArg[]) => Array.from({ length: count }, (_, t) => xs[Math.min(first + t, xs.length - 1)]);
    const stage: AttentionStage = { continues: g > 0, finishes: g === groups - 1 };
    const width = stage.finishes ? headDim : headDim + 2;
    plan.push({
      key: `attention:${count}:${stage.continues ? 1 : 0}${stage.finishes ? 1 : 0}`,
      make: () => attentionSpec(count, stage),
      size: rows * width,
      args: [q, ...(stage.continues ? [temp(g - 1)] : []), ...pick(keys), ...pick(values), ...uniforms, first, width, options.scale],
    });
  }
  return plan;
}
