import type { DType, TensorData } from './dtype';
import type { Shape } from './shape';

/**
 * An opaque handle to a tensor's storage inside a backend: a typed array for the CPU, a texture for gpu.js.
 * Only the backend that made it looks inside.
 */
export type DataId = object;

/** What a kernel needs to know about an input: where its data lives, its shape and its dtype. */
export interface TensorHandle {
  readonly dataId: DataId;
  readonly shape: Shape;
  readonly dtype: DType;
}

/** Elementwise one-input kernels every backend implements. Float in, float out (int32 is cast first). */
export type UnaryOp =
  | 'neg'
  | 'abs'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'rsqrt'
  | 'tanh'
  | 'sigmoid'
  | 'erf'
  | 'relu'
  | 'reciprocal'
  | 'square'
  | 'sin'
  | 'cos'
  | 'floor'
  | 'logicalNot';

/** Elementwise two-input kernels with broadcasting. Comparisons return `bool`. */
export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'equal'
  | 'notEqual'
  | 'less'
  | 'lessEqual'
  | 'greater'
  | 'greaterEqual'
  | 'logicalAnd'
  | 'logicalOr';

/** Reductions along one axis. `argmax` returns int32 indices (the first maximum wins). */
export type ReduceOp = 'sum' | 'mean' | 'max' | 'min' | 'argmax' | 'logSumExp';

/** Rotary embedding layouts: `interleaved` rotates pairs (2i, 2i+1) (llama2.c, Meta); `halves` rotates (i, i + d/2) (Hugging Face, GPT-NeoX). */
export type RotaryLayout = 'interleaved' | 'halves';

/** Options for the optional fused attention kernel. */
export interface FusedAttentionOptions {
  /** Multiplier applied to q·kᵀ before masking; usually 1/sqrt(headDim). */
  readonly scale: number;
  /** Mask future positions: query i (at absolute position `queryOffset + i`) sees keys 0..queryOffset + i. */
  readonly causal: boolean;
  /** Absolute position of the first query row (for a block of queries after cached positions). */
  readonly queryOffset: number;
  /** Only the first `kvLength` key/value positions are read (a preallocated cache is longer). */
  readonly kvLength: number;
}

/**
 * The seam between the math and the hardware. Everything above `@transformer-kit/tensor` is written once
 * against this interface; a backend (the CPU backend here, gpu.js in `@transformer-kit/gpu-backend`)
 * implements the primitives and may add fused kernels.
 *
 * Kernels receive handles whose shapes the ops layer has already validated, and the output shape it computed;
 * they return a new DataId and never read data back to the host (except the explicit `read`).
 *
 * @example
 * ```ts
 * import { setBackend, createCpuBackend, tensor } from '@transformer-kit/tensor';
 * setBackend(createCpuBackend());
 * const t = tensor([1, 2, 3], [3]);
 * console.log(await t.data()); // Float32Array [1, 2, 3]
 * ```
 */
export interface Backend {
  /** A short name: 'cpu', 'gpu.js:webgl2', ... */
  readonly name: string;
  /** Element tolerance this backend's results should be held to against the conformance suite's float64 references (absolute and relative). */
  readonly tolerance: number;

  // ---- storage ----
  /**
   * Takes host values and stores them; the backend may keep `values` without copying (the caller gives it up).
   * For a weight dtype (`q4_k`, `float16`, ...) `values` are the packed bytes (a Uint8Array) of a [rows, cols]
   * matrix: a backend keeps them packed and computes with them (its own kernels, or the installed
   * `WeightKernels`), or decodes them here (`requireWeightKernels(...).dequantize`) and stores float32.
   */
  upload(values: TensorData, shape: Shape, dtype: DType): DataId;
  /** Reads a tensor's values back to the host, in row-major order (a weight dtype reads as float32 values). */
  read(dataId: DataId, shape: Shape, dtype: DType): Promise<TensorData>;
  /** Synchronous read, where the backend can offer one. */
  readSync?(dataId: DataId, shape: Shape, dtype: DType): TensorData;
  /** Frees a storage. Called exactly once per DataId, when its last tensor is disposed. */
  disposeData(dataId: DataId): void;
  /** Writes `value` into `target` at offset `begin`, in place (a KV cache append): the only mutating kernel. */
  writeSlice(target: TensorHandle, value: TensorHandle, begin: readonly number[]): void;

  // ---- primitives ----
  /**
   * [..., M, K] · [..., K, N] → [..., M, N], batch dimensions broadcast; transposes swap the last two dimensions first.
   * `b` may have a weight dtype: then it is [N, K] with transposeB (x · Wᵀ) and `a` any float32 [..., M, K].
   */
  matmul(a: TensorHandle, b: TensorHandle, transposeA: boolean, transposeB: boolean, outShape: Shape): DataId;
  /** Elementwise `op(x)`: float32 out (bool for logicalNot); the ops layer casts int32 input to float32 first. */
  unary(op: UnaryOp, x: TensorHandle): DataId;
  /** `a op b` with NumPy broadcasting into `outShape`; `outDType` is bool for comparisons, else the inputs' dtype. */
  binary(op: BinaryOp, a: TensorHandle, b: TensorHandle, outShape: Shape, outDType: DType): DataId;
  /** Reduces `axis` away (the ops layer re-adds it for keepDims). */
  reduce(op: ReduceOp, x: TensorHandle, axis: number): DataId;
  /**
   * `table` indexed along `axis` by int32 `indices`: out shape = table.shape[:axis] + indices.shape + table.shape[axis+1:].
   * A weight-dtype table is gathered by rows (axis 0) into float32.
   */
  gather(table: TensorHandle, indices: TensorHandle, axis: number): DataId;
  /** Permutes dimensions (a copy into the new row-major layout). */
  transpose(x: TensorHandle, perm: readonly number[]): DataId;
  /** The block starting at `begin` with `size` elements along each dimension. */
  slice(x: TensorHandle, begin: readonly number[], size: readonly number[]): DataId;
  /** Joins tensors along `axis`; all other dimensions agree. */
  concat(xs: readonly TensorHandle[], axis: number, outShape: Shape): DataId;
  /** Elementwise `cond ? a : b` with broadcasting; `cond` is any dtype, nonzero = true. */
  where(cond: TensorHandle, a: TensorHandle, b: TensorHandle, outShape: Shape): DataId;
  /** Converts dtype (float → int32 rounds toward zero; → bool is `!== 0`; a weight dtype → float32 decodes it). */
  cast(x: TensorHandle, dtype: DType): DataId;

  // ---- optional fused kernels (composites over the primitives are used where absent) ----
  /** Softmax over the last axis, max-subtracted; a row of all -Infinity gives zeros. */
  softmax?(x: TensorHandle): DataId;
  /** Layer normalisation over the last axis (biased variance, as PyTorch). */
  layerNorm?(x: TensorHandle, gamma: TensorHandle | null, beta: TensorHandle | null, eps: number): DataId;
  /** RMS normalisation over the last axis: x / sqrt(mean(x²) + eps) · gamma. */
  rmsNorm?(x: TensorHandle, gamma: TensorHandle | null, eps: number): DataId;
  /** GELU, exact (erf) or the tanh approximation (`gelu_new`). */
  gelu?(x: TensorHandle, approximate: 'none' | 'tanh'): DataId;
  /** SiLU (swish): x · sigmoid(x). */
  silu?(x: TensorHandle): DataId;
  /** SwiGLU's product silu(gate) · up of two float32 tensors of one shape, with silu(gate) rounded to float32 first. */
  swiglu?(gate: TensorHandle, up: TensorHandle): DataId;
  /** Rotates x [..., seq, dim] by cos/sin tables [seq, rotaryDim / 2]; dims past rotaryDim pass through. */
  rotary?(x: TensorHandle, cos: TensorHandle, sin: TensorHandle, layout: RotaryLayout): DataId;
  /**
   * Attention for q [batch, heads, seqQ, headDim] over k, v [batch, kvHeads, seqK, headDim] (heads a multiple of
   * kvHeads; query head h reads kv head ⌊h / (heads / kvHeads)⌋) → [batch, heads, seqQ, headDim].
   */
  attention?(q: TensorHandle, k: TensorHandle, v: TensorHandle, options: FusedAttentionOptions): DataId;

  /** Number of storages alive in this backend (for leak tests). */
  liveDataCount(): number;
  /** Releases everything the backend holds (kernels, contexts). */
  destroy?(): void;
}
