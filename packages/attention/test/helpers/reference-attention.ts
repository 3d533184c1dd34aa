import type { Tensor } from '@transformer-kit/tensor';

/** The definition, in float64 loops: what every path must equal. */
export interface ReferenceOptions {
  /** true = hidden, for (batch, head, query, key). */
  hidden?: (b: number, h: number, i: number, j: number) => boolean;
  /** Added to the scaled score, for (batch, head, query, key). */
  added?: (b: number, h: number, i: number, j: number) => number;
  causal?: boolean;
  queryOffset?: number;
  scale?: number;
  kvLength?: number;
  /** cap · tanh(score / cap) on the scaled score, before `added` and the mask. */
  softCap?: number;
  /** Keys `window` or more positions before the query are hidden. */
  window?: number;
}

/** softmax(q·kᵀ·scale + added, hidden → excluded)·v; a row with no visible key is zeros. Returns [output, weights]. */
export function referenceAttention(q: Tensor, k: Tensor, v: Tensor, o: ReferenceOptions = {}): [Float64Array, Float64Array] {
  const [B, H, S, D] = q.shape;
  const [, KH, SK] = k.shape;
  const DV = v.shape[3];
  const L = o.kvLength ?? SK;
  const off = o.queryOffset ?? (o.causal ? L - S : 0);
  const scale = o.scale ?? 1 / Math.sqrt(D);
  const qd = q.dataSync();
  const kd = k.dataSync();
  const vd = v.dataSync();
  const out = new Float64Array(B * H * S * DV);
  const weights = new Float64Array(B * H * S * L);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++) {
      const kh = Math.floor(h / (H / KH));
      for (let i = 0; i < S; i++) {
        const s = new Float64Array(L);
        let mx = -Infinity;
        for (let j = 0; j < L; j++) {
          let dot = 0;
          for (let d = 0; d < D; d++) dot += qd[((b * H + h) * S + i) * D + d] * kd[((b * KH + kh) * SK + j) * D + d];
          const scaled = o.softCap ? o.softCap * Math.tanh((dot * scale) / o.softCap) : dot * scale;
          s[j] = scaled + (o.added ? o.added(b, h, i, j) : 0);
          if ((o.causal && j > off + i) || (o.window !== undefined && j <= off + i - o.window) || o.hidden?.(b, h, i, j)) s[j] = -Infinity;
          mx = Math.max(mx, s[j]);
        }
        if (mx === -Infinity) continue;
        let total = 0;
        for (let j = 0; j < L; j++) total += (s[j] = Math.exp(s[j] - mx));
        for (let j = 0; j < L; j++) {
          const p = s[j] / total;
          weights[((b * H + h) * S + i) * L + j] = p;
          for (let d = 0; d < DV; d++) out[((b * H + h) * S + i) * DV + d] += p * vd[((b * KH + kh) * SK + j) * DV + d];
        }
      }
    }
  return [out, weights];
}
