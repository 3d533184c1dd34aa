/**
 * @packageDocumentation
 * Step 2 of the transformer: token ids become vectors. Token and token-type (segment) embeddings, the tied
 * output projection, and the tools that make "similar tokens are close" checkable: cosine similarity, nearest
 * tokens, mean/CLS pooling and L2 normalisation. Depends only on `@transformer-kit/tensor`.
 */
export { TokenEmbedding } from './token-embedding';
export { TokenTypeEmbedding } from './token-type-embedding';
export { cosineSimilarity, l2Normalize } from './similarity';
export { nearestTokens } from './nearest-tokens';
export { meanPool, clsPool } from './pooling';

export type { TokenEmbeddingOptions, RandomEmbeddingOptions } from './token-embedding';
export type { TokenIds } from './lookup-rows';
export type { TokenNeighbour, NearestTokensOptions } from './nearest-tokens';
export type { MeanPoolOptions } from './pooling';
