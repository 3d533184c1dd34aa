import type { FusedAttentionOptions } from '../backend';
import type { Shape } from '../shape';

/** Scratch reused across calls (the decode step calls this once per layer per token): two heads' worth. */
const scratch = {
  scoresA: new Float64Array(0), // [kvLength]
  scoresB: new Float64Array(0),
  queryA: new Float64Array(0), // [headDim], pre-scaled
  queryB: new Float64Array(0),
  accA: new Float64Array(0), // [headDim]
  accB: new Float64Array(0),
};

function growScratch(kvLength: number, headDim: number): void {
  if (scratch.scoresA.length < kvLength) {
    scratch.scoresA = new Float64Array(kvLength);
    scratch.scoresB = new Float64Array(kvLength);
  }
  if (scratch.queryA.length < headDim) {
    scratch.queryA = new Float64Array(headDim);
    scratch.queryB = new Float64Array(headDim);
    scratch.accA = new Float64Array(headDim);
    scratch.accB = new Float64Array(headDim);
  }
}

/**
 * softmax(q·kᵀ·scale + causal mask)·v per (batch, head), with grouped-query sharing of k/v heads and a
 * cache longer than the positions in use (only the first kvLength are read).
 * q [batch, heads, seqQ, headDim]; k, v [batch, kvHeads, kvCapacity, headDim] → [batch, heads, seqQ, headDim].
 *
 * When an even number of query heads share each k/v head (GQA, e.g. stories260K's 8 on 4), two heads run
 * together: each k and v row is read once for both, halving the loop overhead that dominates small head
 * dimensions (~20-40% faster on stories260K's decode shapes). Otherwise one head at a time.
 *
 * NOTE: monomorphic on purpose (Float32Array in, Float64Array scratch), with the softmax inlined: a shared
 * softmax helper called with both array kinds went megamorphic and dominated decode profiles.
 * A row with no visible key (fully masked) gives zeros, as the composite path does.
 */
export function attentionKernel(
  q: Float32Array, qShape: Shape, k: Float32Array, v: Float32Array, kvShape: Shape, options: FusedAttentionOptions,
  out: Float32Array = new Float32Array(qShape[0] * qShape[1] * qShape[2] * qShape[3]),
): Float32Array {
  const [batch, heads, seqQ, headDim] = qShape;
  const kvHeads = kvShape[1];
  const kvCap = kvShape[2];
  const { causal, queryOffset, kvLength } = options;
  const group = heads / kvHeads;
  const step = group % 2 === 0 ? 2 : 1;
  growScratch(kvLength, headDim);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h += step) {
      const kvBase = (b * kvHeads + Math.floor(h / group)) * kvCap * headDim;
      for (let i = 0; i < seqQ; i++) {
        const qBase = ((b * heads + h) * seqQ + i) * headDim;
        const visible = causal ? Math.max(0, Math.min(kvLength, queryOffset + i + 1)) : kvLength;
        if (visible === 0) {
          // nothing visible: a zero row (`out` may be a reused buffer, so it is written, not assumed)
          out.fill(0, qBase, qBase + headDim);
          if (step === 2) out.fill(0, qBase + seqQ * headDim, qBase + seqQ * headDim + headDim);
          continue;
        }
        if (step === 2) attendHeadPair(q, qBase, qBase + seqQ * headDim, k, v, kvBase, visible, headDim, options.scale, out);
        else attendOneHead(q, qBase, k, v, kvBase, visible, headDim, options.scale, out);
      }
    }
  }
  return out;
}

/** One query row (at qBase) over `visible` k/v rows from kvBase, into out[qBase..]. */
function attendOneHead(q: Float32Array, qBase: number, k: Float32Array, v: Float32Array, kvBase: number, visible: number, headDim: number, scale: number, out: Float32Array): void {
  const { scoresA: scores, queryA: qRow, accA: acc } = scratch;
  for (let d = 0; d < headDim; d++) qRow[d] = q[qBase + d] * scale;
  // scores[j] = (q · k_j) · scale, and their max
  // NOTE: unrolled by 4 — head dimensions are small (8 in stories260K, 64 in GPT-2) and the loop
  // overhead, not the multiply-adds, dominated this loop in decode profiles.
  const unrolled = headDim - (headDim % 4);
  let max = -Infinity;
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
  if (max === -Infinity) {
    out.fill(0, qBase, qBase + headDim); // every score -Infinity: attends nowhere
    return;
  }
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

/** Two query rows (at qA and qB) sharing one k/v head: every k and v element is loaded once for both. */
function attendHeadPair(q: Float32Array, qA: number, qB: number, k: Float32Array, v: Float32Array, kvBase: number, visible: number, headDim: number, scale: number, out: Float32Array): void {
  const { scoresA, scoresB, queryA, queryB, accA, accB } = scratch;
  for (let d = 0; d < headDim; d++) {
    queryA[d] = q[qA + d] * scale;
    queryB[d] = q[qB + d] * scale;
  }
  const paired = headDim - (headDim % 2);
  let maxA = -Infinity;
  let maxB = -Infinity;
  for (let j = 0, kRow = kvBase; j < visible; j++, kRow += headDim) {
    let a0 = 0, a1 = 0, b0 = 0, b1 = 0;
    let d = 0;
    for (; d < paired; d += 2) {
      const k0 = k[kRow + d];
      const k1 = k[kRow + d + 1];
      a0 += queryA[d] * k0;
      a1 += queryA[d + 1] * k1;
      b0 += queryB[d] * k0;
      b1 += queryB[d + 1] * k1;
    }
    if (d < headDim) {
      const k0 = k[kRow + d];
      a0 += queryA[d] * k0;
      b0 += queryB[d] * k0;
    }
    const sa = a0 + a1;
    const sb = b0 + b1;
    scoresA[j] = sa;
    scoresB[j] = sb;
    if (sa > maxA || sa !== sa) maxA = sa;
    if (sb > maxB || sb !== sb) maxB = sb;
  }
  let sumA = 0;
  let sumB = 0;
  for (let j = 0; j < visible; j++) {
    // a row whose scores are all -Infinity gets exp(NaN) here and is zeroed below
    const ea = Math.exp(scoresA[j] - maxA);
    const eb = Math.exp(scoresB[j] - maxB);
    scoresA[j] = ea;
    scoresB[j] = eb;
    sumA += ea;
    sumB += eb;
  }
  for (let d = 0; d < headDim; d++) {
    accA[d] = 0;
    accB[d] = 0;
  }
  for (let j = 0, vRow = kvBase; j < visible; j++, vRow += headDim) {
    const pa = scoresA[j];
    const pb = scoresB[j];
    for (let d = 0; d < headDim; d++) {
      const x = v[vRow + d];
      accA[d] += pa * x;
      accB[d] += pb * x;
    }
  }
  const invA = maxA === -Infinity ? 0 : 1 / sumA;
  const invB = maxB === -Infinity ? 0 : 1 / sumB;
  for (let d = 0; d < headDim; d++) {
    out[qA + d] = maxA === -Infinity ? 0 : accA[d] * invA;
    out[qB + d] = maxB === -Infinity ? 0 : accB[d] * invB;
  }
}
