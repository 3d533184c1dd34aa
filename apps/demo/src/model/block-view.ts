/**
 * Inside one block, for one token: what the residual stream carries and what each half of the block adds,
 * recomputed from the model's REAL intermediate values (the hidden states and attention weights of the last
 * forward pass, through the public `outputHiddenStates` / `outputAttentions`) and the checkpoint's weights:
 *
 *   x_l                                   the residual stream entering block l          [dim]
 *   a_l = Wo · concat_h(Σ_s w[h,t,s] · (Wv_g · rmsNorm(x_l[s]) + bv_g))   what attention adds  [dim]
 *   f_l = Wd · (act(Wg · n) ⊙ (Wu · n)), n = rmsNorm(x_l + a_l)            what the feed-forward adds [dim]
 *   x_{l+1} = x_l + a_l + f_l             (checked against the model's own hidden state: `residualError`)
 *
 * with what each family changes (model/family-traits.ts): act = silu (Llama, Qwen, Phi-3) or GELU-tanh (Gemma);
 * bv (Qwen2); Wv and Wg/Wu cut from fused matrices (Phi-3); Gemma 2 normalises a_l and f_l once more before they
 * join the stream (post-norms). What only shapes the attention weights (Qwen3's q/k norms, Gemma 2's score
 * soft-cap, sliding windows, RoPE) is inside the real weights w read here. And the logit lens:
 * finalNorm(x_l) · headᵀ for every l (soft-capped for Gemma 2), what the model would predict if the stream went
 * straight to the output after block l (l = layers is the model's real prediction).
 *
 * NOTE: the attention-weighted sum is taken over the normed inputs BEFORE the value projection (Σ_s w·(Wv n_s + b)
 * = Wv·Σ_s w·n_s + b, the weights summing to 1): heads × dim × kvDim instead of seq × dim × kvDim per layer, so a
 * 512-token prompt on a big model stays cheap. Everything runs on a private CPU backend (model/host-weights.ts):
 * exact, packed weights multiplied as stored, and off the GPU a generation may be using.
 */
import type { HostTensor } from '@transformer-kit/transformer';
import { gateUpWeights, hostProject, valueWeights } from './host-weights';
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

/** One RMSNorm at the chosen token: the scale 1 / rms(x) it applied and its learned γ [dim]. */
export interface NormView {
  inverseRms: number;
  gamma: Float32Array;
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
  attentionNorm: NormView;
  feedForwardNorm: NormView;
  /** Gemma 2: the norms of the sublayers' outputs (attention's, the feed-forward's) before they join the stream. */
  postNorms?: { attention: NormView; feedForward: NormView };
  /** The gated feed-forward of the chosen layer [hiddenDim] each: act(gate), up, and their product (what `down` reads). */
  gate: Float32Array;
  up: Float32Array;
  product: Float32Array;
  /** max |x_l + a_l + f_l − x_{l+1}| over the layers: the recomputation against the model's own stream. */
  residualError: number;
  /** max |x_{l+1}| over the layers: the scale `residualError` is measured against. */
  streamMax: number;
  /** layers + 1 rows. */
  lens: LensRow[];
}

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

function silu(v: number): number {
  return v / (1 + Math.exp(-v));
}

/** GELU with the tanh approximation (Gemma's gate, as ggml's and PyTorch's gelu(approximate='tanh')). */
function geluTanh(v: number): number {
  return 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
}

/** rmsNorm(x) · γ, and the scale it applied. */
function rmsNormed(x: Float32Array, gamma: Float32Array, eps: number): { y: Float32Array; view: NormView } {
  const inverseRms = rmsScale(x, eps);
  return { y: x.map((v, d) => v * inverseRms * gamma[d]), view: { inverseRms, gamma: gamma.slice() } };
}

/** Computes the block view at token `position` for `layer` (all layers' norms and the lens come with it). */
export function blockView(session: Session, position: number, layer: number): BlockView {
  const { info, checkpoint, hidden, attention } = session;
  const { dim, hiddenDim, heads, kvHeads, headDim, layers, traits } = info;
  const eps = info.normEps;
  if (hidden.length !== layers + 1) throw new Error('Run a prompt first');
  const seq = hidden[0].length / dim;
  if (!(position >= 0 && position < seq)) throw new Error(`position ${position} is outside the prompt's ${seq} tokens`);
  const w = (name: string) => checkpoint.weights.get(name).data; // norm weights: float32 vectors
  const row = (l: number, s: number) => hidden[l].subarray(s * dim, (s + 1) * dim);
  const group = heads / kvHeads;
  const kvDim = kvHeads * headDim;
  const act = traits.activation === 'gelu_tanh' ? geluTanh : silu;
  const norms: LayerNorms[] = [];
  let residualError = 0;
  let streamMax = 0;
  let chosen: Omit<BlockView, 'position' | 'layer' | 'norms' | 'residualError' | 'streamMax' | 'lens'> | null = null;
  for (let l = 0; l < layers; l++) {
    const p = `model.layers.${l}.`;
    const g1 = w(`${p}input_layernorm.weight`);
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
    const v = valueWeights(checkpoint.weights, l, heads * headDim, traits.fused);
    const values = hostProject(mixed, heads, v.weight); // [heads, kvDim]
    const concat = new Float32Array(heads * headDim); // head h reads its kv group's slice: [heads * headDim]
    for (let h = 0; h < heads; h++) {
      const g = Math.floor(h / group);
      for (let i = 0; i < headDim; i++) concat[h * headDim + i] = values[h * kvDim + g * headDim + i] + (v.bias ? v.bias[g * headDim + i] : 0);
    }
    const attentionOut = hostProject(concat, 1, checkpoint.weights.get(`${p}self_attn.o_proj.weight`)); // [dim]
    // Gemma 2 normalises the sublayer's output before the add (its post_attention_layernorm); Llama's name
    // post_attention_layernorm is the norm BEFORE the feed-forward, which Gemma 2 calls pre_feedforward_layernorm.
    const postAttention = traits.postNorms ? rmsNormed(attentionOut, w(`${p}post_attention_layernorm.weight`), eps) : null;
    const attentionAdd = postAttention ? postAttention.y : attentionOut;
    const entering = row(l, position);
    const mid = entering.map((x, d) => x + attentionAdd[d]);
    const ffNorm = rmsNormed(mid, w(`${p}${traits.postNorms ? 'pre_feedforward_layernorm' : 'post_attention_layernorm'}.weight`), eps);
    const { gate: wGate, up: wUp } = gateUpWeights(checkpoint.weights, l, hiddenDim, traits.fused);
    const gate = hostProject(ffNorm.y, 1, wGate).map(act); // [hiddenDim]
    const up = hostProject(ffNorm.y, 1, wUp); // [hiddenDim]
    const product = gate.map((g, i) => g * up[i]);
    const down = hostProject(product, 1, checkpoint.weights.get(`${p}mlp.down_proj.weight`)); // [dim]
    const postFeedForward = traits.postNorms ? rmsNormed(down, w(`${p}post_feedforward_layernorm.weight`), eps) : null;
    const feedForwardAdd = postFeedForward ? postFeedForward.y : down;
    const leaving = row(l + 1, position);
    for (let d = 0; d < dim; d++) {
      residualError = Math.max(residualError, Math.abs(mid[d] + feedForwardAdd[d] - leaving[d]));
      streamMax = Math.max(streamMax, Math.abs(leaving[d]));
    }
    norms.push({ entering: norm(entering), attention: norm(attentionAdd), feedForward: norm(feedForwardAdd) });
    if (l === layer) {
      chosen = {
        entering: entering.slice(),
        attentionAdd,
        feedForwardAdd,
        leaving: leaving.slice(),
        attentionNorm: { inverseRms: rmsScale(entering, eps), gamma: g1.slice() },
        feedForwardNorm: ffNorm.view,
        postNorms: postAttention && postFeedForward ? { attention: postAttention.view, feedForward: postFeedForward.view } : undefined,
        gate,
        up,
        product,
      };
    }
  }
  if (!chosen) throw new Error(`layer ${layer} is outside the model's ${layers} layers`);
  return { position, layer, norms, residualError, streamMax, lens: logitLens(session, position), ...chosen };
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
  // A tied head is the embedding table, unscaled (Gemma's √dim applies to the lookup only).
  const head: HostTensor = info.tiedEmbeddings ? { data: session.embeddings, shape: [vocabSize, dim] } : checkpoint.weights.get('lm_head.weight');
  const logits = hostProject(stacked, layers + 1, head); // [layers + 1, vocab]
  const cap = info.traits.finalSoftCap;
  if (cap !== undefined) for (let i = 0; i < logits.length; i++) logits[i] = cap * Math.tanh(logits[i] / cap); // Gemma 2
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
