/**
 * @packageDocumentation
 * Step 3 of the transformer: where each token is. Sinusoidal positions (Vaswani et al.), learned absolute
 * positions, rotary embeddings in both layouts (with cached tables and a hook for attention), and ALiBi.
 * Depends only on `@transformer-kit/tensor`.
 */
export { sinusoidalTable, addSinusoidal } from './sinusoidal';
export { LearnedPositionalEmbedding } from './learned-positional-embedding';
export { rotaryFrequencies, rotaryTables } from './rotary-tables';
export { RotaryEmbedding } from './rotary-embedding';
export { llama3FrequencyFactors } from './llama3-frequency-factors';
export { alibiSlopes, alibiBias } from './alibi';

export type { SinusoidalOptions } from './sinusoidal';
export type { RotaryTableOptions, RotaryTables } from './rotary-tables';
export type { RotaryEmbeddingOptions, RotaryLayout, RotateFn } from './rotary-embedding';
export type { Llama3RopeScaling } from './llama3-frequency-factors';
