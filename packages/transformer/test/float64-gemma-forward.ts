/**
 * Gemma and Gemma 2 written out a second time, in float64 with plain loops and none of the package's code: a
 * reference for how far any float32 implementation (ours, llama.cpp's) is from the model's exact math.
 *
 *   x = E[ids] · √dim                                              // [seq, dim]
 *   each layer: a = attention(rms(x))  (Gemma 2: scores cap·tanh(s/cap), a = rms_post(a))
 *               x = x + a;  f = down(gelu_tanh(gate(rms(x))) ⊙ up(rms(x)))  (Gemma 2: f = rms_post(f));  x = x + f
 *   logits = rms(x_last) · Eᵀ  (Gemma 2: cap_f · tanh(logits / cap_f))
 *
 * The prompt here is shorter than Gemma 2's sliding window, so every layer sees the whole causal prefix (the
 * caller checks that). The norm weights read from the GGUF already hold 1 + w.
 */
import type { DecoderConfig, WeightSource } from '../src/index';

/** GELU's tanh form, or a stand-in (the test passes llama.cpp's float16 table to show where its logits come from). */
export type Gelu = (x: number) => number;

/** GELU with tanh, in float64. */
export const geluTanh: Gelu = (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

/** x rounded to the nearest float16 (ties to even), as a number. */
export function roundToFloat16(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const exponent = Math.max(Math.floor(Math.log2(Math.abs(x))), -14); // float16's smallest normal exponent
  const ulp = 2 ** (exponent - 10);
  const q = Math.abs(x) / ulp;
  const down = Math.floor(q);
  const n = q - down > 0.5 || (q - down === 0.5 && down % 2 === 1) ? down + 1 : down;
  return Math.sign(x) * n * ulp;
}

/**
 * ggml's CPU GELU with GGML_GELU_FP16 (the default build), from its documented behaviour: inputs ≤ −10 give 0,
 * ≥ 10 pass through, others are rounded to float16 and looked up in a table of float16(gelu_f32(x)).
 */
export const geluFloat16Table: Gelu = (x) => {
  const f = Math.fround;
  x = f(x);
  if (x <= -10) return 0;
  if (x >= 10) return x;
  const h = roundToFloat16(x);
  const inner = f(f(f(0.7978845608028654) * h) * f(1 + f(f(f(0.044715) * h) * h)));
  return roundToFloat16(f(f(f(0.5) * h) * f(1 + f(Math.tanh(inner)))));
};

// y[rows] = W[rows, cols] · x[cols]
function matVec(w: Float32Array, rows: number, cols: number, x: Float64Array): Float64Array {
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let k = 0; k < cols; k++) s += w[r * cols + k] * x[k];
    y[r] = s;
  }
  return y;
}

function rmsNorm(x: Float64Array, w: Float32Array, eps: number): Float64Array {
  let s = 0;
  for (const v of x) s += v * v;
  const k = 1 / Math.sqrt(s / x.length + eps);
  return x.map((v, i) => v * k * w[i]);
}

// NEOX rotation of every head of v[heads · headDim] at position pos: element i pairs with i + headDim/2.
function rope(v: Float64Array, headDim: number, pos: number, theta: number): Float64Array {
  const out = Float64Array.from(v);
  const half = headDim / 2;
  for (let h = 0; h < v.length / headDim; h++) {
    for (let i = 0; i < half; i++) {
      const angle = pos * theta ** ((-2 * i) / headDim);
      const a = v[h * headDim + i];
      const b = v[h * headDim + i + half];
      out[h * headDim + i] = a * Math.cos(angle) - b * Math.sin(angle);
      out[h * headDim + i + half] = a * Math.sin(angle) + b * Math.cos(angle);
    }
  }
  return out;
}

const add = (a: Float64Array, b: Float64Array): Float64Array => a.map((v, i) => v + b[i]);

/**
 * The logits after the last of `ids`, in float64.
 *
 * @example
 * ```ts
 * const logits = float64GemmaLogits(config, weights, [2, 100, 200], geluTanh); // Float64Array [vocabSize]
 * ```
 */
export function float64GemmaLogits(c: DecoderConfig, weights: WeightSource, ids: readonly number[], gelu: Gelu): Float64Array {
  const w = (name: string): Float32Array => weights.get(name).data;
  const { dim, hiddenDim, layers, heads, kvHeads, normEps, ropeTheta } = c;
  const headDim = c.headDim ?? dim / heads;
  const gemma2 = c.family === 'gemma2';
  const embedding = w('model.embed_tokens.weight'); // [vocab, dim]
  let xs: Float64Array[] = ids.map((id) => Float64Array.from(embedding.subarray(id * dim, (id + 1) * dim), (v) => v * Math.sqrt(dim)));
  for (let l = 0; l < layers; l++) {
    const p = `model.layers.${l}.`;
    const h = xs.map((x) => rmsNorm(x, w(p + 'input_layernorm.weight'), normEps));
    const q = h.map((x, t) => rope(matVec(w(p + 'self_attn.q_proj.weight'), heads * headDim, dim, x), headDim, t, ropeTheta));
    const k = h.map((x, t) => rope(matVec(w(p + 'self_attn.k_proj.weight'), kvHeads * headDim, dim, x), headDim, t, ropeTheta));
    const v = h.map((x) => matVec(w(p + 'self_attn.v_proj.weight'), kvHeads * headDim, dim, x));
    const scale = c.queryScale ?? 1 / Math.sqrt(headDim);
    const attended = xs.map((_, t) => {
      const out = new Float64Array(heads * headDim);
      for (let head = 0; head < heads; head++) {
        const kvHead = Math.floor(head / (heads / kvHeads));
        const scores: number[] = [];
        for (let u = 0; u <= t; u++) {
          let s = 0;
          for (let d = 0; d < headDim; d++) s += q[t][head * headDim + d] * k[u][kvHead * headDim + d];
          s *= scale;
          scores.push(c.attentionSoftCap ? c.attentionSoftCap * Math.tanh(s / c.attentionSoftCap) : s);
        }
        const max = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - max));
        const z = e.reduce((a, b) => a + b, 0);
        for (let u = 0; u <= t; u++) for (let d = 0; d < headDim; d++) out[head * headDim + d] += (e[u] / z) * v[u][kvHead * headDim + d];
      }
      const o = matVec(w(p + 'self_attn.o_proj.weight'), dim, heads * headDim, out);
      return gemma2 ? rmsNorm(o, w(p + 'post_attention_layernorm.weight'), normEps) : o;
    });
    xs = xs.map((x, t) => add(x, attended[t]));
    const ffNorm = w(p + (gemma2 ? 'pre_feedforward_layernorm.weight' : 'post_attention_layernorm.weight'));
    const ff = xs.map((x) => {
      const n = rmsNorm(x, ffNorm, normEps);
      const gate = matVec(w(p + 'mlp.gate_proj.weight'), hiddenDim, dim, n);
      const up = matVec(w(p + 'mlp.up_proj.weight'), hiddenDim, dim, n);
      const f = matVec(w(p + 'mlp.down_proj.weight'), dim, hiddenDim, gate.map((g, i) => gelu(g) * up[i]));
      return gemma2 ? rmsNorm(f, w(p + 'post_feedforward_layernorm.weight'), normEps) : f;
    });
    xs = xs.map((x, t) => add(x, ff[t]));
  }
  const last = rmsNorm(xs[xs.length - 1], w('model.norm.weight'), normEps);
  const logits = matVec(embedding, c.vocabSize, dim, last);
  const cap = c.finalSoftCap;
  return cap ? logits.map((z) => cap * Math.tanh(z / cap)) : logits;
}
