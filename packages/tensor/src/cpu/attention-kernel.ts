import type { FusedAttentionOptions } from '../backend';
import type { Shape } from '../shape';

/** Scratch reused across calls: the decode step calls this once per layer per token. */
let scoresScratch = new Float64Array(0);
let accScratch = new Float64Array(0);
let queryScratch = new Float64Array(0);

/**
 * softmax(q·kᵀ·scale + causal mask)·v per (batch, head), with grouped-query sharing of k/v heads and a
 * cache longer than the positions in use (only the first kvLength are read).
 * q [batch, heads, seqQ, headDim]; k, v [batch, kvHeads, kvCapacity, headDim] → [batch, heads, seqQ, headDim].
 *
 * NOTE: monomorphic on purpose (Float32Array in, Float64Array scratch), with the softmax inlined: a shared
 * softmax helper called with both array kinds went megamorphic and dominated decode profiles.
 * A row with no visible key (fully masked) gives zeros, as the composite path does.
 */
export function attentionKernel(q: Float32Array, qShape: Shape, k: Float32Array, v: Float32Array, kvShape: Shape, options: FusedAttentionOptions): Float32Array {
  const [batch, heads, seqQ, headDim] = qShape;
  const kvHeads = kvShape[1];
  const kvCap = kvShape[2];
  const { scale, causal, queryOffset, kvLength } = options;
  const group = heads / kvHeads;
  const out = new Float32Array(batch * heads * seqQ * headDim);
  if (scoresScratch.length < kvLength) scoresScratch = new Float64Array(kvLength);
  if (accScratch.length < headDim) {
    accScratch = new Float64Array(headDim);
    queryScratch = new Float64Array(headDim);
  }
  const scores = scoresScratch;
  const acc = accScratch;
  const qRow = queryScratch;
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const kvBase = (b * kvHeads + Math.floor(h / group)) * kvCap * headDim;
      for (let i = 0; i < seqQ; i++) {
        const qBase = ((b * heads + h) * seqQ + i) * headDim;
        const visible = causal ? Math.max(0, Math.min(kvLength, queryOffset + i + 1)) : kvLength;
        for (let d = 0; d < headDim; d++) qRow[d] = q[qBase + d] * scale;
        // scores[j] = (q · k_j) · scale, and their max
        let max = -Infinity;
        // NOTE: unrolled by 4 — head dimensions are small (8 in stories260K, 64 in GPT-2) and the loop
        // overhead, not the multiply-adds, dominated this loop in decode profiles.
        const unrolled = headDim - (headDim % 4);
        for (let j = 0, kRow = kvBase; j < visible; j++, kRow += headDim) {
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          let d = 0;
          for (; d < unrolled; d += 4) {
            s0 += qRow[d] * k[kRow + d];
            s1 += qRow[d + 1] * k[kRow + d + 1];
            s2 += qRow[d + 2] * k[kRow + d + 2];
            s3 += qRow[d + 3] * k[kRow + d + 3];
          }
          for (; d < headDim; d++) s0 += qRow[d] * k[kRow + d];
          const s = s0 + s1 + (s2 + s3);
          scores[j] = s;
          if (s > max || s !== s) max = s;
        }
        if (max === -Infinity) continue; // nothing visible: the output row stays zero
        let sum = 0;
        for (let j = 0; j < visible; j++) {
          const e = Math.exp(scores[j] - max);
          scores[j] = e;
          sum += e;
        }
        // out = Σ_j p_j · v_j, normalised once at the end
        for (let d = 0; d < headDim; d++) acc[d] = 0;
        for (let j = 0, vRow = kvBase; j < visible; j++, vRow += headDim) {
          const p = scores[j];
          let d = 0;
          for (; d < unrolled; d += 4) {
            acc[d] += p * v[vRow + d];
            acc[d + 1] += p * v[vRow + d + 1];
            acc[d + 2] += p * v[vRow + d + 2];
            acc[d + 3] += p * v[vRow + d + 3];
          }
          for (; d < headDim; d++) acc[d] += p * v[vRow + d];
        }
        const inv = 1 / sum;
        for (let d = 0; d < headDim; d++) out[qBase + d] = acc[d] * inv;
      }
    }
  }
  return out;
}
