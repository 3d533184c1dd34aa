/**
 * @packageDocumentation
 * Steps 4 and 5 of the transformer: scaled dot-product attention (plain, fused or memory-efficient), the masks
 * (causal, key padding, sliding window), multi-head attention with grouped-/multi-query sharing and cross-attention (its projections are `Linear`s),
 * and a preallocated KV cache for generation. Depends only on `@transformer-kit/tensor`.
 */
export { scaledDotProductAttention, MEMORY_EFFICIENT_THRESHOLD } from './scaled-dot-product-attention';
export { memoryEfficientAttention, DEFAULT_BLOCK_SIZE } from './memory-efficient-attention';
export { causalMask } from './causal-mask';
export { keyPaddingMask } from './key-padding-mask';
export { slidingWindowMask } from './sliding-window-mask';
export { MultiHeadAttention } from './multi-head-attention';
export { Linear } from './linear';
export { KVCache } from './kv-cache';

export type { ScaledDotProductAttentionOptions, AttentionOutput, AttentionImplementation } from './scaled-dot-product-attention';
export type { MemoryEfficientAttentionOptions } from './memory-efficient-attention';
export type { AttentionShapeOptions } from './resolve-attention';
export type {
  MultiHeadAttentionConfig,
  MultiHeadAttentionWeights,
  MultiHeadAttentionCallOptions,
  PackedAttentionWeights,
  RotateFn,
} from './multi-head-attention';
export type { LinearWeights } from './linear';
export type { KVCacheOptions, KVCacheLayer, KVCacheAppendResult } from './kv-cache';
