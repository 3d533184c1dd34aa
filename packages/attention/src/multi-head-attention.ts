/**
 * Multi-head attention — step 5 of the transformer. Contract: x [batch, seqQ, dim] (and, for cross-attention,
 * a key/value source [batch, seqK, kdim]) → [batch, seqQ, dim]. Projects to `heads` query heads and `kvHeads`
 * key/value heads, lets each head attend on its own (scaled dot-product attention, the only step that mixes
 * positions), then concatenates the heads and projects back. Grouped-query attention (kvHeads < heads) and
 * multi-query attention (kvHeads = 1) share each key/value head among heads / kvHeads consecutive query heads.
 * Positions enter only through the optional `rotate` hook (RoPE), the `bias` (ALiBi) or the inputs themselves,
 * so this package depends on nothing but tensor.
 */
import { isPackedDType, keep, permute, rmsNorm, split, tidy, type Tensor } from '@transformer-kit/tensor';
import type { KVCacheLayer } from './kv-cache';
import { Linear, type LinearWeights } from './linear';
import { checkAttentionOptions } from './resolve-attention';
import { scaledDotProductAttention, type AttentionOutput } from './scaled-dot-product-attention';

/** Sizes of a MultiHeadAttention. */
export interface MultiHeadAttentionConfig {
  /** Model (embedding) dimension of the queries and of the output. */
  dim: number;
  /** Query heads. */
  heads: number;
  /** Key/value heads. Default `heads`; fewer for grouped-query attention, 1 for multi-query attention. */
  kvHeads?: number;
  /** Dimension of each head. Default dim / heads. */
  headDim?: number;
  /** Feature dimension of the key source (cross-attention). Default dim. */
  kdim?: number;
  /** Feature dimension of the value source. Default kdim. */
  vdim?: number;
  /** Multiplier of q·kᵀ. Default 1/√headDim (Gemma 2 27B uses 1/√(dim / heads)). */
  scale?: number;
  /** Attention-logit soft-capping: scores become cap · tanh(scores / cap) (Gemma 2). */
  softCap?: number;
  /** Sliding window: each query attends only itself and the window − 1 keys before it (Mistral, Gemma 2, Phi-3). */
  window?: number;
  /** RMSNorm epsilon of the per-head q/k norms (`qNorm`, `kNorm` weights). Default 1e-6. */
  qkNormEps?: number;
}

/** The four projections, each in PyTorch's [out, in] layout: a `Linear` or its `{ weight, bias? }`. */
export interface MultiHeadAttentionWeights {
  /** [heads·headDim, dim] */
  q: LinearWeights;
  /** [kvHeads·headDim, kdim] */
  k: LinearWeights;
  /** [kvHeads·headDim, vdim] */
  v: LinearWeights;
  /** [dim, heads·headDim] */
  o: LinearWeights;
  /** RMSNorm γ, shape [headDim], applied to every query head before the rotation (Qwen3, OLMo 2). */
  qNorm?: Tensor;
  /** RMSNorm γ, shape [headDim], applied to every key head before the rotation. */
  kNorm?: Tensor;
}

/** `torch.nn.MultiheadAttention`'s state: in_proj_weight rows are [Wq; Wk; Wv]. */
export interface PackedAttentionWeights {
  /** [3·dim, dim] */
  inProjWeight: Tensor;
  /** [3·dim] */
  inProjBias?: Tensor;
  /** [dim, dim] */
  outProjWeight: Tensor;
  /** [dim] */
  outProjBias?: Tensor;
}

/**
 * Rotates queries and keys by their positions (RoPE), with q [batch, heads, seq, headDim], k [batch, kvHeads,
 * seq, headDim] and the absolute position of their first row. `@transformer-kit/positional` makes one.
 */
export type RotateFn = (q: Tensor, k: Tensor, positionOffset: number) => [Tensor, Tensor];

/** Options of `MultiHeadAttention.forward`. */
export interface MultiHeadAttentionCallOptions {
  /** bool (true = NOT allowed) or additive float, broadcastable to [batch, heads, seqQ, seqK]. */
  mask?: Tensor;
  /** Hide future keys. Default false, or true when a `cache` is given (a cache is a decoder's). */
  causal?: boolean;
  /** Rotates q and k after the projections (RoPE); with a cache, positionOffset = the cache's length. */
  rotate?: RotateFn;
  /** Append this step's keys/values to a cache layer and attend over everything cached. */
  cache?: KVCacheLayer;
  /** Return the per-head weights [batch, heads, seqQ, seqK]. */
  returnWeights?: boolean;
  /** Additive bias broadcastable to [batch, heads, seqQ, seqK] (ALiBi). */
  bias?: Tensor;
  /** The value source [batch, seqK, vdim] when it differs from the key source (kdim ≠ vdim). Default: the key source. */
  value?: Tensor;
}

/**
 * Multi-head (and grouped-/multi-query) attention with optional biases, cross-attention, a rotation hook and a
 * KV cache. It takes ownership of the weights it is given (tensors or `Linear`s): `dispose()` frees them.
 *
 * @example
 * ```ts
 * import { MultiHeadAttention } from '@transformer-kit/attention';
 * import { randomNormal } from '@transformer-kit/tensor';
 * const dim = 16, heads = 4, kvHeads = 2, headDim = 4;
 * const w = (out: number, inDim: number, seed: number) => ({ weight: randomNormal([out, inDim], 0, 0.2, { seed }) });
 * const mha = new MultiHeadAttention({ dim, heads, kvHeads }, {
 *   q: w(heads * headDim, dim, 1), k: w(kvHeads * headDim, dim, 2), v: w(kvHeads * headDim, dim, 3), o: w(dim, heads * headDim, 4),
 * });
 * const x = randomNormal([1, 5, dim], 0, 1, { seed: 5 });          // [batch, seq, dim]
 * const { output, weights } = mha.forward(x, undefined, { causal: true, returnWeights: true });
 * // output [1, 5, 16]; weights [1, 4, 5, 5]
 * mha.dispose();
 * ```
 */
export class MultiHeadAttention {
  readonly dim: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly scale?: number;
  readonly softCap?: number;
  readonly window?: number;
  readonly qkNormEps: number;
  readonly #q: Linear; // [heads·headDim, dim]
  readonly #k: Linear; // [kvHeads·headDim, kdim]
  readonly #v: Linear; // [kvHeads·headDim, vdim]
  readonly #o: Linear; // [dim, heads·headDim]
  readonly #qNorm?: Tensor; // [headDim]
  readonly #kNorm?: Tensor; // [headDim]

  constructor(config: MultiHeadAttentionConfig, weights: MultiHeadAttentionWeights) {
    const { dim, heads } = config;
    const kvHeads = config.kvHeads ?? heads;
    const headDim = config.headDim ?? dim / heads;
    const kdim = config.kdim ?? dim;
    const vdim = config.vdim ?? kdim;
    for (const [name, value] of Object.entries({ dim, heads, kvHeads, headDim, kdim, vdim })) {
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(`MultiHeadAttention: ${name} must be an integer ≥ 1, got ${value}${name === 'headDim' ? ` (dim ${dim} / heads ${heads})` : ''}`);
      }
    }
    checkAttentionOptions('MultiHeadAttention', { heads, kvHeads, scale: config.scale, softCap: config.softCap, window: config.window });
    checkLinear('q', weights.q, heads * headDim, dim);
    checkLinear('k', weights.k, kvHeads * headDim, kdim);
    checkLinear('v', weights.v, kvHeads * headDim, vdim);
    checkLinear('o', weights.o, dim, heads * headDim);
    for (const name of ['qNorm', 'kNorm'] as const) {
      const g = weights[name];
      if (g && (g.rank !== 1 || g.shape[0] !== headDim)) throw new RangeError(`MultiHeadAttention: ${name} must be [${headDim}] (one γ per head dimension), got [${g.shape.join(', ')}]`);
    }
    this.scale = config.scale;
    this.softCap = config.softCap;
    this.window = config.window;
    this.qkNormEps = config.qkNormEps ?? 1e-6;
    this.dim = dim;
    this.heads = heads;
    this.kvHeads = kvHeads;
    this.headDim = headDim;
    this.kdim = kdim;
    this.vdim = vdim;
    // NOTE: keep() so a layer built inside someone's tidy() outlives it (a Linear keeps its own); dispose() frees them.
    this.#q = Linear.from(weights.q);
    this.#k = Linear.from(weights.k);
    this.#v = Linear.from(weights.v);
    this.#o = Linear.from(weights.o);
    this.#qNorm = weights.qNorm && keep(weights.qNorm);
    this.#kNorm = weights.kNorm && keep(weights.kNorm);
  }

  /**
   * From `torch.nn.MultiheadAttention`'s packed `in_proj_weight` [3·dim, dim] (rows [Wq; Wk; Wv]) and
   * `out_proj`. Like the constructor, it owns what it is given: the packed matrix is freed once cut into the
   * layer's q/k/v slices, and the out projection is kept as it is.
   *
   * @example
   * ```ts
   * import { MultiHeadAttention } from '@transformer-kit/attention';
   * import { readSafetensors } from '@transformer-kit/tensor';
   * import { readFileSync } from 'node:fs';
   * const f = readSafetensors(readFileSync('../shared/fixtures/attention/mha-self.safetensors'));
   * const mha = MultiHeadAttention.fromPackedWeights({ dim: 16, heads: 4 }, {
   *   inProjWeight: f.tensor('weight.in_proj_weight'), inProjBias: f.tensor('weight.in_proj_bias'),
   *   outProjWeight: f.tensor('weight.out_proj.weight'), outProjBias: f.tensor('weight.out_proj.bias'),
   * });
   * const { output, weights } = mha.forward(f.tensor('input.query'), undefined, { returnWeights: true });
   * ```
   */
  static fromPackedWeights(config: MultiHeadAttentionConfig, packed: PackedAttentionWeights): MultiHeadAttention {
    const { dim } = config;
    if ((config.kvHeads ?? config.heads) !== config.heads || (config.kdim ?? dim) !== dim || (config.vdim ?? config.kdim ?? dim) !== dim) {
      throw new RangeError('MultiHeadAttention.fromPackedWeights: packed in_proj weights need kvHeads = heads and kdim = vdim = dim');
    }
    const projected = config.heads * (config.headDim ?? dim / config.heads);
    const w = packed.inProjWeight;
    if (!w || w.rank !== 2 || w.shape[0] !== 3 * projected || w.shape[1] !== dim) {
      throw new RangeError(`MultiHeadAttention.fromPackedWeights: inProjWeight must be [${3 * projected}, ${dim}] (rows [Wq; Wk; Wv]), got ${w ? `[${w.shape.join(', ')}]` : 'nothing'}`);
    }
    if (packed.inProjBias && (packed.inProjBias.rank !== 1 || packed.inProjBias.shape[0] !== 3 * projected)) {
      throw new RangeError(`MultiHeadAttention.fromPackedWeights: inProjBias must be [${3 * projected}], got [${packed.inProjBias.shape.join(', ')}]`);
    }
    const [wq, wk, wv] = split(w, 3, 0); // three [projected, dim]
    const [bq, bk, bv] = packed.inProjBias ? split(packed.inProjBias, 3, 0) : [undefined, undefined, undefined];
    packed.inProjWeight.dispose(); // the slices are the layer's own
    packed.inProjBias?.dispose();
    return new MultiHeadAttention(config, {
      q: { weight: wq, bias: bq },
      k: { weight: wk, bias: bk },
      v: { weight: wv, bias: bv },
      o: { weight: packed.outProjWeight, bias: packed.outProjBias },
    });
  }

  /**
   * Attends `query` [batch, seqQ, dim] over `keyValue` [batch, seqK, kdim] (default: `query` itself, i.e.
   * self-attention) → `output` [batch, seqQ, dim] and, on request, per-head `weights` [batch, heads, seqQ, seqK].
   * With a cache: q/k are rotated with positionOffset = cache length, k/v are appended, and the queries attend
   * over every cached position (causal, with queryOffset = the length before the append).
   *
   * @example
   * ```ts
   * import { KVCache, MultiHeadAttention } from '@transformer-kit/attention';
   * import { randomNormal, slice } from '@transformer-kit/tensor';
   * const w = (out: number, seed: number) => ({ weight: randomNormal([out, 8], 0, 0.3, { seed }) });
   * const mha = new MultiHeadAttention({ dim: 8, heads: 2 }, { q: w(8, 1), k: w(8, 2), v: w(8, 3), o: w(8, 4) });
   * const cache = new KVCache({ layers: 1, kvHeads: 2, headDim: 4, maxLength: 10 });
   * const x = randomNormal([1, 3, 8], 0, 1, { seed: 5 });
   * for (let t = 0; t < 3; t++) {
   *   const step = mha.forward(slice(x, [0, t, 0], [1, 1, 8]), undefined, { cache: cache.layer(0) }); // [1, 1, 8]
   * }
   * ```
   */
  forward(query: Tensor, keyValue?: Tensor, options: MultiHeadAttentionCallOptions = {}): AttentionOutput & { output: Tensor } {
    const source = keyValue ?? query;
    const valueSource = options.value ?? source;
    this.checkInput('query', query, this.dim);
    this.checkInput(keyValue ? 'keyValue' : 'query (as keys)', source, this.kdim);
    this.checkInput(options.value ? 'value' : 'keyValue (as values)', valueSource, this.vdim);
    const [batch, seqQ] = query.shape;
    if (source.shape[0] !== batch || valueSource.shape[0] !== batch || valueSource.shape[1] !== source.shape[1]) {
      throw new RangeError(`MultiHeadAttention: key/value sources [${source.shape.join(', ')}] and [${valueSource.shape.join(', ')}] do not fit the query [${query.shape.join(', ')}]`);
    }
    return tidy(() => {
      let q = this.splitHeads(this.#q.forward(query), this.heads); // [batch, heads, seqQ, headDim]
      let k = this.splitHeads(this.#k.forward(source), this.kvHeads); // [batch, kvHeads, seqK, headDim]
      // Per-head q/k norms normalise each head's vector before RoPE (Qwen3).
      if (this.#qNorm) q = rmsNorm(q, this.#qNorm, this.qkNormEps);
      if (this.#kNorm) k = rmsNorm(k, this.#kNorm, this.qkNormEps);
      const v = this.splitHeads(this.#v.forward(valueSource), this.kvHeads); // [batch, kvHeads, seqK, headDim]
      const cache = options.cache;
      let rq = q;
      if (options.rotate) [rq, k] = options.rotate(q, k, cache ? cache.length : 0);
      let keys = k;
      let values = v;
      let kvLength: number | undefined;
      let queryOffset: number | undefined;
      if (cache) {
        const appended = cache.append(k, v); // cache tensors [batch, kvHeads, maxLength, headDim]
        ({ keys, values, length: kvLength, offset: queryOffset } = appended);
      }
      const attended = scaledDotProductAttention(rq, keys, values, {
        mask: options.mask,
        bias: options.bias,
        causal: options.causal ?? cache !== undefined,
        queryOffset,
        scale: this.scale,
        softCap: this.softCap,
        window: this.window,
        kvLength,
        returnWeights: options.returnWeights,
      });
      // [batch, heads, seqQ, headDim] → [batch, seqQ, heads·headDim]; one query (a decode step) is already in that order
      const merged = seqQ === 1 ? attended.output.reshape([batch, 1, this.heads * this.headDim]) : permute(attended.output, [0, 2, 1, 3]).reshape([batch, seqQ, this.heads * this.headDim]);
      const output = this.#o.forward(merged); // [batch, seqQ, dim]
      return attended.weights ? { output, weights: attended.weights } : { output };
    });
  }

  /**
   * Frees the weight tensors.
   *
   * @example
   * ```ts
   * import { MultiHeadAttention } from '@transformer-kit/attention';
   * import { zeros } from '@transformer-kit/tensor';
   * const p = () => ({ weight: zeros([4, 4]) });
   * new MultiHeadAttention({ dim: 4, heads: 1 }, { q: p(), k: p(), v: p(), o: p() }).dispose();
   * ```
   */
  dispose(): void {
    for (const projection of [this.#q, this.#k, this.#v, this.#o]) projection.dispose();
    this.#qNorm?.dispose();
    this.#kNorm?.dispose();
  }

  /** [batch, seq, n·headDim] → [batch, n, seq, headDim]. */
  private splitHeads(x: Tensor, n: number): Tensor {
    const [batch, seq] = x.shape;
    // NOTE: one position (a decode step) needs no permute: [batch, 1, n, headDim] and [batch, n, 1, headDim] are one layout
    if (seq === 1) return x.reshape([batch, n, 1, this.headDim]);
    return permute(x.reshape([batch, seq, n, this.headDim]), [0, 2, 1, 3]); // [batch, n, seq, headDim]
  }

  private checkInput(name: string, x: Tensor, features: number): void {
    if (x.rank !== 3 || x.shape[2] !== features || x.dtype !== 'float32') {
      throw new RangeError(`MultiHeadAttention: ${name} must be float32 [batch, seq, ${features}], got ${x.dtype} [${x.shape.join(', ')}]`);
    }
  }
}

/** Checks one projection's shapes against the layer's sizes, naming it. */
function checkLinear(name: string, w: LinearWeights | undefined, out: number, inDim: number): void {
  if (!w || !w.weight) throw new RangeError(`MultiHeadAttention: the ${name} projection weight is missing`);
  const s = w.weight.shape;
  if (s.length !== 2 || s[0] !== out || s[1] !== inDim) {
    throw new RangeError(`MultiHeadAttention: ${name}.weight must be [${out}, ${inDim}] ([out, in], PyTorch layout), got [${s.join(', ')}]`);
  }
  if (w.weight.dtype !== 'float32' && !isPackedDType(w.weight.dtype)) throw new RangeError(`MultiHeadAttention: ${name}.weight must be float32 or a packed weight dtype, got ${w.weight.dtype}`);
  if (w.bias && (w.bias.rank !== 1 || w.bias.shape[0] !== out)) {
    throw new RangeError(`MultiHeadAttention: ${name}.bias must be [${out}], got [${w.bias.shape.join(', ')}]`);
  }
}
