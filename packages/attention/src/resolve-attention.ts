import { slice, type Tensor } from '@transformer-kit/tensor';

/** The validated sizes and options of one attention call (shared by the composed and memory-efficient paths). */
export interface ResolvedAttention {
  readonly batch: number;
  readonly heads: number;
  readonly kvHeads: number;
  /** Query heads per key/value head (1 for plain multi-head attention). */
  readonly group: number;
  readonly seqQ: number;
  /** Positions stored in k/v (a preallocated cache is longer than the part in use). */
  readonly seqK: number;
  /** Positions actually attended: the first kvLength of k/v. */
  readonly kvLength: number;
  readonly headDim: number;
  readonly valueDim: number;
  readonly causal: boolean;
  readonly queryOffset: number;
  readonly scale: number;
  readonly softCap?: number;
  readonly window?: number;
}

/** What `resolveAttention` reads from the caller's options. */
export interface AttentionShapeOptions {
  readonly mask?: Tensor;
  readonly bias?: Tensor;
  readonly causal?: boolean;
  readonly queryOffset?: number;
  readonly scale?: number;
  readonly kvLength?: number;
  /** Soft-capping of the scaled scores: cap · tanh(s / cap) (Gemma 2's attention-logit soft-capping). */
  readonly softCap?: number;
  /** Sliding window (Mistral, Gemma 2, Phi-3): query at position p attends only keys p − window + 1 … p. */
  readonly window?: number;
}

function fail(op: string, message: string): never {
  throw new RangeError(`${op}: ${message}`);
}

/**
 * @internal The rules of the options a layer may fix once (MultiHeadAttention's config) and every call
 * re-checks: the scale, the soft-cap, the sliding window and the sharing of key/value heads.
 */
export function checkAttentionOptions(op: string, o: { readonly heads: number; readonly kvHeads: number; readonly scale?: number; readonly softCap?: number; readonly window?: number }): void {
  if (o.kvHeads < 1 || o.heads % o.kvHeads !== 0) fail(op, `${o.heads} query heads cannot share ${o.kvHeads} key/value heads (heads must be a multiple of kvHeads)`);
  if (o.scale !== undefined && !Number.isFinite(o.scale)) fail(op, `scale must be finite, got ${o.scale}`);
  if (o.softCap !== undefined && !(Number.isFinite(o.softCap) && o.softCap > 0)) fail(op, `softCap must be a finite number > 0, got ${o.softCap}`);
  if (o.window !== undefined && !(Number.isInteger(o.window) && o.window >= 1)) fail(op, `window must be an integer ≥ 1, got ${o.window}`);
}

const fmt = (t: Tensor) => `[${t.shape.join(', ')}]`;

/** @internal Checks q/k/v/mask/bias against each other and fills in the defaults. */
export function resolveAttention(op: string, q: Tensor, k: Tensor, v: Tensor, options: AttentionShapeOptions): ResolvedAttention {
  for (const [name, t] of [['q', q], ['k', k], ['v', v]] as const) {
    if (t.rank !== 4) fail(op, `${name} must be [batch, heads, seq, headDim], got ${fmt(t)}`);
    if (t.dtype !== 'float32') fail(op, `${name} must be float32, got ${t.dtype}`);
  }
  const [batch, heads, seqQ, headDim] = q.shape;
  const [kb, kvHeads, seqK, kd] = k.shape;
  if (kb !== batch || kd !== headDim) fail(op, `k ${fmt(k)} does not fit q ${fmt(q)} (batch and headDim must agree)`);
  if (v.shape[0] !== batch || v.shape[1] !== kvHeads || v.shape[2] !== seqK) fail(op, `v ${fmt(v)} does not fit k ${fmt(k)}`);
  const kvLength = options.kvLength ?? seqK;
  if (!Number.isInteger(kvLength) || kvLength < 0 || kvLength > seqK) fail(op, `kvLength ${kvLength} is outside the ${seqK} positions of k/v`);
  const causal = options.causal ?? false;
  const queryOffset = options.queryOffset ?? (causal ? kvLength - seqQ : 0);
  if (causal && (!Number.isInteger(queryOffset) || queryOffset < 0)) {
    fail(op, `causal attention of ${seqQ} queries over ${kvLength} keys needs an integer queryOffset ≥ 0, got ${queryOffset}`);
  }
  const scale = options.scale ?? 1 / Math.sqrt(headDim);
  const { softCap, window } = options;
  checkAttentionOptions(op, { heads, kvHeads, scale, softCap, window });
  if (window !== undefined && !causal) fail(op, 'a sliding window needs causal attention (it hides keys before the query; the causal rule hides those after)');
  const target = [batch, heads, seqQ, kvLength];
  if (options.mask) {
    if (options.mask.dtype === 'int32') fail(op, `mask must be bool (true = NOT allowed) or float32 (additive), got int32 ${fmt(options.mask)}: cast it with castTo(mask, 'bool')`);
    checkBroadcast(op, 'mask', options.mask, target, seqK);
  }
  if (options.bias) {
    if (options.bias.dtype !== 'float32') fail(op, `bias must be float32, got ${options.bias.dtype}`);
    checkBroadcast(op, 'bias', options.bias, target, seqK);
  }
  return { batch, heads, kvHeads, group: heads / kvHeads, seqQ, seqK, kvLength, headDim, valueDim: v.shape[3], causal, queryOffset, scale, softCap, window };
}

/** A mask/bias must broadcast to [batch, heads, seqQ, kvLength]; its last dimension may also span the whole cache (seqK). */
function checkBroadcast(op: string, name: string, t: Tensor, target: readonly number[], seqK: number): void {
  const ok =
    t.rank <= 4 &&
    t.shape.every((d, i) => {
      const want = target[4 - t.rank + i];
      const isLast = i === t.rank - 1;
      return d === 1 || d === want || (isLast && d === seqK);
    });
  if (!ok) fail(op, `${name} ${fmt(t)} does not broadcast to [batch, heads, seqQ, seqK] = [${target.join(', ')}]`);
}

/**
 * @internal The [rows, cols] block of a mask/bias broadcastable to [batch, heads, seqQ, seqK] starting at
 * query `row0`, key `col0` (dimensions of size 1 stay broadcast).
 */
export function blockOf(t: Tensor, row0: number, rows: number, col0: number, cols: number): Tensor {
  const r = t.rank;
  const begin = t.shape.map(() => 0);
  const size = t.shape.slice();
  if (r >= 2 && t.shape[r - 2] !== 1) {
    begin[r - 2] = row0;
    size[r - 2] = rows;
  }
  if (r >= 1 && t.shape[r - 1] !== 1) {
    begin[r - 1] = col0;
    size[r - 1] = cols;
  }
  return slice(t, begin, size);
}
