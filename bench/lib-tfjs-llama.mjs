// The Llama forward pass composed from @tensorflow/tfjs ops (RMSNorm, RoPE over adjacent pairs, GQA with a KV
// cache, SwiGLU), a bench peer on tfjs's cpu or wasm backend for the same llama2.c weights as ours.
// One step takes T tokens at positions pos..pos+T-1 (T = 1 decoding, T = 128 a prompt, causal within the step).
import * as tf from '@tensorflow/tfjs';
import { readLlama2c } from '@transformer-kit/transformer';

export { tf };

/**
 * Loads a llama2.c checkpoint into tfjs tensors on `backendName` ('cpu' | 'wasm', already registered).
 * Returns { loadMs, step(ids, pos) → last position's logits (Float32Array), reset(), dispose() }.
 */
export async function tfjsLlama(binBytes, backendName) {
  if (tf.getBackend() !== backendName && !(await tf.setBackend(backendName))) throw new Error(`tf.setBackend('${backendName}') failed`);
  await tf.ready();
  const loadStart = performance.now();
  const { config: c, weights } = readLlama2c(binBytes);
  const headDim = c.dim / c.heads;
  const group = c.heads / c.kvHeads;
  const T = (name, transpose = false) => {
    const h = weights.get(name);
    const t = tf.tensor(h.data, h.shape);
    if (!transpose) return t;
    const tt = t.transpose();
    t.dispose();
    return tt;
  };
  const emb = T('model.embed_tokens.weight');
  const cls = c.tiedEmbeddings ? emb.transpose() : T('lm_head.weight', true); // [dim, vocab]
  const L = Array.from({ length: c.layers }, (_, l) => {
    const p = `model.layers.${l}.`;
    return {
      att: T(`${p}input_layernorm.weight`), ffn: T(`${p}post_attention_layernorm.weight`),
      wq: T(`${p}self_attn.q_proj.weight`, true), wk: T(`${p}self_attn.k_proj.weight`, true), wv: T(`${p}self_attn.v_proj.weight`, true), wo: T(`${p}self_attn.o_proj.weight`, true),
      w1: T(`${p}mlp.gate_proj.weight`, true), w2: T(`${p}mlp.down_proj.weight`, true), w3: T(`${p}mlp.up_proj.weight`, true),
    };
  });
  const norm = T('model.norm.weight');
  const loadMs = performance.now() - loadStart;
  const freqs = Float32Array.from({ length: headDim / 2 }, (_, i) => 1 / c.ropeTheta ** ((2 * i) / headDim));
  const rms = (x, g) => tf.tidy(() => x.mul(tf.rsqrt(x.square().mean(-1, true).add(c.normEps))).mul(g));
  // x [n, heads·hd] at positions pos..pos+n-1, rotated in adjacent pairs
  const rope = (x, n, heads, pos) => tf.tidy(() => {
    const positions = tf.range(pos, pos + n, 1, 'float32').reshape([n, 1]);
    const angles = positions.mul(tf.tensor(freqs).reshape([1, headDim / 2])).reshape([n, 1, headDim / 2, 1]); // [n, 1, hd/2, 1]
    const pairs = x.reshape([n, heads, headDim / 2, 2]);
    const [a, b] = tf.split(pairs, 2, 3);
    const cos = angles.cos();
    const sin = angles.sin();
    return tf.concat([a.mul(cos).sub(b.mul(sin)), a.mul(sin).add(b.mul(cos))], 3).reshape([n, heads * headDim]);
  });
  let keys = L.map(() => null);
  let values = L.map(() => null);
  const reset = () => {
    for (const t of [...keys, ...values]) t?.dispose();
    keys = L.map(() => null);
    values = L.map(() => null);
  };
  const step = (ids, pos) => {
    const n = ids.length;
    const logits = tf.tidy(() => {
      let x = tf.gather(emb, ids); // [n, dim]
      // [n, pos+n]: row t sees positions <= pos + t
      const mask = n === 1 ? null : tf.tensor2d(Float32Array.from({ length: n * (pos + n) }, (_, i) => ((i % (pos + n)) <= pos + Math.floor(i / (pos + n)) ? 0 : -Infinity)), [n, pos + n]);
      for (let l = 0; l < c.layers; l++) {
        const w = L[l];
        const xn = rms(x, w.att);
        const q = rope(tf.matMul(xn, w.wq), n, c.heads, pos); // [n, heads·hd]
        const k = rope(tf.matMul(xn, w.wk), n, c.kvHeads, pos).reshape([n, c.kvHeads, headDim]).transpose([1, 0, 2]); // [kvHeads, n, hd]
        const v = tf.matMul(xn, w.wv).reshape([n, c.kvHeads, headDim]).transpose([1, 0, 2]);
        const K = keys[l] ? tf.concat([keys[l], k], 1) : k; // [kvHeads, pos+n, hd]
        const V = values[l] ? tf.concat([values[l], v], 1) : v;
        if (keys[l]) { keys[l].dispose(); values[l].dispose(); }
        keys[l] = tf.keep(K);
        values[l] = tf.keep(V);
        const qh = q.reshape([n, c.kvHeads, group, headDim]).transpose([1, 2, 0, 3]).reshape([c.kvHeads, group * n, headDim]);
        let scores = tf.matMul(qh, K, false, true).div(Math.sqrt(headDim)); // [kvHeads, group·n, pos+n]
        if (mask) scores = scores.reshape([c.kvHeads, group, n, pos + n]).add(mask).reshape([c.kvHeads, group * n, pos + n]);
        const att = tf.matMul(tf.softmax(scores), V) // [kvHeads, group·n, hd]
          .reshape([c.kvHeads, group, n, headDim]).transpose([2, 0, 1, 3]).reshape([n, c.dim]);
        x = x.add(tf.matMul(att, w.wo));
        const hn = rms(x, w.ffn);
        const g = tf.matMul(hn, w.w1);
        x = x.add(tf.matMul(g.mul(tf.sigmoid(g)).mul(tf.matMul(hn, w.w3)), w.w2));
      }
      const last = n === 1 ? x : x.slice([n - 1, 0], [1, c.dim]);
      return tf.matMul(rms(last, norm), cls); // [1, vocab]
    });
    const row = logits.dataSync(); // one readback per step
    logits.dispose();
    return row;
  };
  const dispose = () => {
    reset();
    tf.disposeVariables();
    for (const w of [emb, cls, norm, ...L.flatMap((x) => Object.values(x))]) w.dispose();
  };
  return { config: c, loadMs, step, reset, dispose };
}

/** The index of the largest value. */
export function argmaxOf(row) {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}
