/**
 * The KV cache: during generation, the keys and values of every past position are computed once and kept, so
 * each new token attends over them without recomputing the prefix. Storage is preallocated to `maxLength`
 * positions per layer ([batch, kvHeads, maxLength, headDim]) and written in place with tensor's `writeSlice`:
 * no reallocation and no copy of the past per token. Attention reads only the first `length` positions
 * (`kvLength`), so stale data past the end is never seen.
 */
import { keep, writeSlice, zeros, type Tensor } from '@transformer-kit/tensor';

/** Options of `new KVCache(...)`. */
export interface KVCacheOptions {
  /** Number of layers (one cache entry per attention layer). */
  readonly layers: number;
  /** Batch size. Default 1. */
  readonly batch?: number;
  /** Key/value heads per layer (fewer than query heads under GQA/MQA). */
  readonly kvHeads: number;
  /** Dimension of each head. */
  readonly headDim: number;
  /** The most positions the cache holds; appending past it is an error. */
  readonly maxLength: number;
}

/** What `KVCacheLayer.append` returns: the whole cache tensors and the part in use. */
export interface KVCacheAppendResult {
  /** [batch, kvHeads, maxLength, headDim]; positions 0..length-1 are valid. Owned by the cache: do not dispose. */
  keys: Tensor;
  /** [batch, kvHeads, maxLength, headDim]; owned by the cache. */
  values: Tensor;
  /** Valid positions after this append. */
  length: number;
  /** Position of the first appended entry (the length before the append): the queries' `queryOffset`. */
  offset: number;
}

/** One layer's slice of a KVCache. */
export interface KVCacheLayer {
  /**
   * Writes k/v [batch, kvHeads, seq, headDim] at the current end; returns the cache tensors
   * [batch, kvHeads, maxLength, headDim] and the valid length; throws past maxLength.
   */
  append(k: Tensor, v: Tensor): KVCacheAppendResult;
  /** Positions written so far in this layer. */
  readonly length: number;
}

class Layer implements KVCacheLayer {
  length = 0;
  constructor(
    private readonly owner: KVCache,
    private readonly index: number,
    readonly keys: Tensor,
    readonly values: Tensor,
  ) {}

  append(k: Tensor, v: Tensor): KVCacheAppendResult {
    const [batch, kvHeads, maxLength, headDim] = this.keys.shape;
    for (const [name, t] of [['k', k], ['v', v]] as const) {
      if (t.rank !== 4 || t.shape[0] !== batch || t.shape[1] !== kvHeads || t.shape[3] !== headDim || t.dtype !== 'float32') {
        throw new RangeError(`KVCache layer ${this.index}: ${name} must be float32 [batch ${batch}, kvHeads ${kvHeads}, seq, headDim ${headDim}], got ${t.dtype} [${t.shape.join(', ')}]`);
      }
    }
    const seq = k.shape[2];
    if (v.shape[2] !== seq) throw new RangeError(`KVCache layer ${this.index}: k has ${seq} positions but v has ${v.shape[2]}`);
    if (this.length + seq > maxLength) {
      throw new RangeError(`KVCache layer ${this.index}: appending ${seq} position(s) to ${this.length} exceeds maxLength ${maxLength}`);
    }
    this.owner.assertAlive();
    const offset = this.length;
    writeSlice(this.keys, k, [0, 0, offset, 0]);
    writeSlice(this.values, v, [0, 0, offset, 0]);
    this.length = offset + seq;
    return { keys: this.keys, values: this.values, length: this.length, offset };
  }
}

/**
 * A preallocated key/value cache for every layer of a decoder.
 *
 * @example
 * ```ts
 * import { KVCache, MultiHeadAttention } from '@transformer-kit/attention';
 * import { randomNormal } from '@transformer-kit/tensor';
 * const cache = new KVCache({ layers: 1, kvHeads: 2, headDim: 4, maxLength: 16 });
 * const layer = cache.layer(0);
 * const k = randomNormal([1, 2, 3, 4], 0, 1, { seed: 1 }); // [batch, kvHeads, seq, headDim]
 * const { keys, length, offset } = layer.append(k, k);     // keys [1, 2, 16, 4], length 3, offset 0
 * console.log(cache.length); // 3
 * cache.dispose();
 * ```
 */
export class KVCache {
  readonly maxLength: number;
  readonly batch: number;
  readonly kvHeads: number;
  readonly headDim: number;
  #layers: Layer[];
  #disposed = false;

  constructor(options: KVCacheOptions) {
    const { layers, kvHeads, headDim, maxLength } = options;
    const batch = options.batch ?? 1;
    for (const [name, value] of Object.entries({ layers, batch, kvHeads, headDim, maxLength })) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`KVCache: ${name} must be an integer ≥ 1, got ${value}`);
    }
    this.maxLength = maxLength;
    this.batch = batch;
    this.kvHeads = kvHeads;
    this.headDim = headDim;
    // NOTE: keep() so a cache made inside someone's tidy() outlives it; dispose() frees it.
    this.#layers = Array.from({ length: layers }, (_, i) =>
      new Layer(this, i, keep(zeros([batch, kvHeads, maxLength, headDim])), keep(zeros([batch, kvHeads, maxLength, headDim]))),
    );
  }

  /** Positions every layer holds (after a full step, every layer's length; mid-step, the smallest). */
  get length(): number {
    return Math.min(...this.#layers.map((l) => l.length));
  }

  /** Number of layers. */
  get layers(): number {
    return this.#layers.length;
  }

  /**
   * The cache of one layer.
   *
   * @example
   * ```ts
   * import { KVCache } from '@transformer-kit/attention';
   * const cache = new KVCache({ layers: 2, kvHeads: 1, headDim: 8, maxLength: 32 });
   * const second = cache.layer(1);
   * ```
   */
  layer(index: number): KVCacheLayer {
    this.assertAlive();
    const l = this.#layers[index];
    if (!Number.isInteger(index) || !l) throw new RangeError(`KVCache: layer ${index} does not exist (the cache has ${this.#layers.length} layers)`);
    return l;
  }

  /**
   * Forgets every position (a new sequence); the storage is reused, not reallocated.
   *
   * @example
   * ```ts
   * import { KVCache } from '@transformer-kit/attention';
   * const cache = new KVCache({ layers: 1, kvHeads: 1, headDim: 8, maxLength: 32 });
   * cache.reset(); // cache.length === 0
   * ```
   */
  reset(): void {
    for (const l of this.#layers) l.length = 0;
  }

  /**
   * Frees the cache's tensors.
   *
   * @example
   * ```ts
   * import { KVCache } from '@transformer-kit/attention';
   * new KVCache({ layers: 1, kvHeads: 1, headDim: 8, maxLength: 32 }).dispose();
   * ```
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const l of this.#layers) {
      l.keys.dispose();
      l.values.dispose();
    }
  }

  /** @internal */
  assertAlive(): void {
    if (this.#disposed) throw new Error('KVCache: used after dispose()');
  }
}
