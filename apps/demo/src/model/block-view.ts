/**
 * Inside one block, for one token: what the residual stream carries and what each half of the block adds,
 * recomputed from the model's REAL intermediate values (the hidden states and attention weights of the last
 * forward pass, through the public `outputHiddenStates` / `outputAttentions`) and the checkpoint's weights:
 *
 *   x_l                                   the residual stream entering block l          [dim]
 *   a_l = Wo · concat_h(Σ_s w[h,t,s] · Wv_g · rmsNorm(x_l[s]))   what attention adds    [dim]
 *   f_l = Wd · (silu(Wg · n) ⊙ (Wu · n)), n = rmsNorm(x_l + a_l)  what the SwiGLU adds  [dim]
 *   x_{l+1} = x_l + a_l + f_l             (checked against the model's own hidden state: `residualError`)
 *
 * and the logit lens: finalNorm(x_l) · headᵀ for every l, what the model would predict if the stream went
 * straight to the output after block l (l = layers is the model's real prediction).
 *
 * NOTE: the attention-weighted sum is taken over the normed inputs BEFORE the value projection (Σ_s w·(Wv n_s) =
 * Wv·Σ_s w·n_s): heads × dim × kvDim instead of seq × dim × kvDim per layer, so a 512-token prompt on a big
 * model stays cheap. Everything runs on a private CPU backend: exact, and off the GPU a generation may be using.
 */
import { createCpuBackend, matmul, tensor, type Backend } from '@transformer-kit/tensor';
import type { Session } from './session';

/** One layer's numbers at the chosen token: vector norms of the stream and of each add. */
export interface LayerNorms {
  entering: number;
  attention: number;
  feedForward: number;
}

/** A logit-lens row: the top tokens after block `layer` (0 = the embedding alone). */
export interface LensRow {
  layer: number;
  top: { id: number; p: number }[];
}

/** What the block panel draws. */
export interface BlockView {
  position: number;
  layer: number;
  /** Per layer, at `position`. */
  norms: LayerNorms[];
  /** The chosen layer's vectors [dim]. */
  entering: Float32Array;
  attentionAdd: Float32Array;
  feedForwardAdd: Float32Array;
  leaving: Float32Array;
  /** RMSNorm before attention: 1 / rms(x) and the learned scale γ [dim]; same before the feed-forward. */
  attentionNorm: { inverseRms: number; gamma: Float32Array };
  feedForwardNorm: { inverseRms: number; gamma: Float32Array };
  /** SwiGLU of the chosen layer [hiddenDim] each: silu(gate), up, and their product (what `down` reads). */
  gate: Float32Array;
  up: Float32Array;
  product: Float32Array;
  /** max |x_l + a_l + f_l − x_{l+1}| over the layers: the recomputation against the model's own stream. */
  residualError: number;
  /** layers + 1 rows. */
  lens: LensRow[];
}

let cpu: Backend | null = null;

function rmsScale(x: Float32Array, eps: number): number {
  let s = 0;
  for (const v of x) s += v * v;
  return 1 / Math.sqrt(s / x.length + eps);
}

function norm(x: Float32Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s);
}

/** y = x · Wᵀ for a host weight W [out, in]; x [rows, in] → [rows, out]. */
function project(x: Float32Array, rows: number, w: { data: Float32Array; shape: readonly number[] }): Float32Array {
  const [out, inner] = w.shape;
  const t = matmul(tensor(x, [rows, inner], 'float32', cpu!), tensor(w.data, [out, inner], 'float32', cpu!), { transposeB: true }); // [rows, out]
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}

function silu(v: number): number {
  return v / (1 + Math.exp(-v));
}

/** Computes the block view at token `position` for `layer` (all layers' norms and the lens come with it). */
export function blockView(session: Session, position: number, layer: number): BlockView {
  cpu ??= createCpuBackend();
  const { info, checkpoint, hidden, attention } = session;
  const { dim, heads, kvHeads, headDim, layers } = info;
  const eps = info.normEps;
  if (hidden.length !== layers + 1) throw new Error('Run a prompt first');
  const seq = hidden[0].length / dim;
  if (!(position >= 0 && position < seq)) throw new Error(`position ${position} is outside the prompt's ${seq} tokens`);
  const w = (name: string) => checkpoint.weights.get(name);
  const row = (l: number, s: number) => hidden[l].subarray(s * dim, (s + 1) * dim);
  const group = heads / kvHeads;
  const norms: LayerNorms[] = [];
  let residualError = 0;
  let chosen: Omit<BlockView, 'position' | 'layer' | 'norms' | 'residualError' | 'lens'> | null = null;
  for (let l = 0; l < layers; l++) {
    const p = `model.layers.${l}.`;
    const g1 = w(`${p}input_layernorm.weight`).data;
    // Σ_s w[h, position, s] · rmsNorm(x_s) per head: [heads, dim]
    const mixed = new Float32Array(heads * dim);
    const weights = attention[l];
    for (let s = 0; s <= position; s++) {
      const x = row(l, s);
      const scale = rmsScale(x, eps);
      for (let h = 0; h < heads; h++) {
        const a = weights[(h * seq + position) * seq + s];
        if (a === 0) continue;
        const base = h * dim;
        for (let d = 0; d < dim; d++) mixed[base + d] += a * x[d] * scale * g1[d];
      }
    }
    const values = project(mixed, heads, w(`${p}self_attn.v_proj.weight`)); // [heads, kvDim]
    const concat = new Float32Array(dim); // head h reads its kv group's slice: [heads * headDim]
    for (let h = 0; h < heads; h++) {
      const g = Math.floor(h / group);
      concat.set(values.subarray(h * kvHeads * headDim + g * headDim, h * kvHeads * headDim + (g + 1) * headDim), h * headDim);
    }
    const attentionAdd = project(concat, 1, w(`${p}self_attn.o_proj.weight`)); // [dim]
    const entering = row(l, position);
    const mid = entering.map((v, d) => v + attentionAdd[d]);
    const g2 = w(`${p}post_attention_layernorm.weight`).data;
    const midScale = rmsScale(mid, eps);
    const n2 = mid.map((v, d) => v * midScale * g2[d]);
    const gateRaw = project(n2, 1, w(`${p}mlp.gate_proj.weight`)); // [hiddenDim]
    const up = project(n2, 1, w(`${p}mlp.up_proj.weight`)); // [hiddenDim]
    const gate = gateRaw.map(silu);
    const product = gate.map((v, i) => v * up[i]);
    const feedForwardAdd = project(product, 1, w(`${p}mlp.down_proj.weight`)); // [dim]
    const leaving = row(l + 1, position);
    for (let d = 0; d < dim; d++) residualError = Math.max(residualError, Math.abs(mid[d] + feedForwardAdd[d] - leaving[d]));
    norms.push({ entering: norm(entering), attention: norm(attentionAdd), feedForward: norm(feedForwardAdd) });
    if (l === layer) {
      chosen = {
        entering: entering.slice(),
        attentionAdd,
        feedForwardAdd,
        leaving: leaving.slice(),
        attentionNorm: { inverseRms: rmsScale(entering, eps), gamma: g1.slice() },
        feedForwardNorm: { inverseRms: midScale, gamma: g2.slice() },
        gate,
        up,
        product,
      };
    }
  }
  if (!chosen) throw new Error(`layer ${layer} is outside the model's ${layers} layers`);
  return { position, layer, norms, residualError, lens: logitLens(session, position), ...chosen };
}

/** finalNorm(x_l[position]) · headᵀ for l = 0 … layers, softmaxed, top 5 each. */
function logitLens(session: Session, position: number): LensRow[] {
  const { info, checkpoint, hidden } = session;
  const { dim, layers, vocabSize } = info;
  const gamma = checkpoint.weights.get('model.norm.weight').data;
  const stacked = new Float32Array((layers + 1) * dim); // [layers + 1, dim]
  for (let l = 0; l <= layers; l++) {
    const x = hidden[l].subarray(position * dim, (position + 1) * dim);
    const scale = rmsScale(x, info.normEps);
    for (let d = 0; d < dim; d++) stacked[l * dim + d] = x[d] * scale * gamma[d];
  }
  const head = info.tiedEmbeddings ? { data: session.embeddings, shape: [vocabSize, dim] } : checkpoint.weights.get('lm_head.weight');
  const logits = project(stacked, layers + 1, head); // [layers + 1, vocab]
  return Array.from({ length: layers + 1 }, (_, l) => {
    const r = logits.subarray(l * vocabSize, (l + 1) * vocabSize);
    let max = -Infinity;
    for (const v of r) max = Math.max(max, v);
    let total = 0;
    for (const v of r) total += Math.exp(v - max);
    const top: { id: number; p: number }[] = [];
    for (let id = 0; id < vocabSize; id++) {
      const v = r[id];
      if (top.length < 5 || v > r[top[top.length - 1].id]) {
        top.push({ id, p: 0 });
        top.sort((a, b) => r[b.id] - r[a.id]);
        if (top.length > 5) top.pop();
      }
    }
    for (const t of top) t.p = Math.exp(r[t.id] - max) / total;
    return { layer: l, top };
  });
}
