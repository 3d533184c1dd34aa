import type { SamplingSettings } from '../model/types';

/**
 * The distribution a sampler draws the next token from, for the bars: softmax(logits / T), then only the
 * top-k, then only the smallest set whose mass reaches top-p, renormalised. Temperature 0 means greedy: all
 * the mass on the argmax. Mirrors llama2.c's `sample` (which the transformer package's sampler follows).
 */
export function samplingDistribution(logits: Float32Array, settings: SamplingSettings): Float32Array {
  const n = logits.length;
  const out = new Float32Array(n);
  if (settings.temperature <= 0) {
    let best = 0;
    for (let i = 1; i < n; i++) if (logits[i] > logits[best]) best = i;
    out[best] = 1;
    return out;
  }
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, logits[i]);
  let total = 0;
  for (let i = 0; i < n; i++) {
    out[i] = Math.exp((logits[i] - max) / settings.temperature);
    total += out[i];
  }
  for (let i = 0; i < n; i++) out[i] /= total;
  const k = settings.topK > 0 ? Math.min(settings.topK, n) : n;
  // Neither top-k nor top-p: the softmax is the distribution (no sort of a 150k vocabulary).
  if (k === n && !(settings.topP > 0 && settings.topP < 1)) return out;
  const order = Array.from(out.keys()).sort((a, b) => out[b] - out[a]);
  const keep = new Uint8Array(n);
  let mass = 0;
  for (let r = 0; r < k; r++) {
    keep[order[r]] = 1;
    mass += out[order[r]];
    if (settings.topP > 0 && settings.topP < 1 && mass > settings.topP) break;
  }
  let kept = 0;
  for (let i = 0; i < n; i++) if (keep[i]) kept += out[i];
  for (let i = 0; i < n; i++) out[i] = keep[i] ? out[i] / kept : 0;
  return out;
}

/** The softmax of the logits at temperature 1: what the model itself believes. */
export function softmaxOf(logits: Float32Array): Float32Array {
  return samplingDistribution(logits, { temperature: 1, topK: 0, topP: 1, seed: 0 });
}

/** The ids of the `k` largest entries, largest first. */
export function topIndices(values: Float32Array, k: number): number[] {
  // One pass keeping the k best in order (k is 10, the vocabulary up to 150k: no full sort).
  const top: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (top.length === k && !(v > values[top[k - 1]])) continue;
    let j = top.length < k ? top.length : k - 1;
    while (j > 0 && v > values[top[j - 1]]) j--;
    top.splice(j, 0, i);
    if (top.length > k) top.pop();
  }
  return top;
}
