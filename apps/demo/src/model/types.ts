/**
 * The plain data the panels draw. The session (model/session.ts) fills these from the packages; panels never
 * see a Tensor, so each picture can be drawn, tested and reasoned about from numbers alone.
 */

/** One token of the prompt: its id, its vocabulary piece and its span in the prompt (UTF-16 units). */
export interface TokenView {
  id: number;
  /** The vocabulary entry as text ('▁the', '<0x0A>', '<s>'). */
  piece: string;
  start: number;
  end: number;
  /** BOS and other tokens the tokenizer added (no span in the text). */
  special: boolean;
}

/** What the model is: enough to label pictures and explain GQA. */
export interface ModelInfo {
  name: string;
  dim: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  vocabSize: number;
  maxSeqLen: number;
  ropeTheta: number;
  ropeLayout: 'interleaved' | 'halves';
  /** Every vocabulary piece, by id. */
  pieces: readonly string[];
  /** The token embedding table [vocabSize, dim], row-major. */
  embeddings: Float32Array;
}

/** Everything one forward pass over the prompt shows. */
export interface Analysis {
  prompt: string;
  tokens: readonly TokenView[];
  /** The prompt tokens' embedding vectors [seq, dim]. */
  tokenVectors: Float32Array;
  /** Per layer: attention weights [heads, seq, seq] (query rows, key columns; softmax rows). */
  attention: readonly Float32Array[];
  /** Per layer: the queries before rotation [heads, seq, headDim] when the model exposes them. */
  queries?: readonly Float32Array[];
  /** The next-token logits after the last prompt token [vocabSize]. */
  logits: Float32Array;
  /** How long the forward pass took, in milliseconds. */
  forwardMs: number;
}

/** One generated token, as the output panel lists it. */
export interface GeneratedToken {
  id: number;
  text: string;
  /** Its probability under the distribution it was drawn from (after temperature / top-k / top-p). */
  probability: number;
}

/** Sampling settings of the output panel. temperature 0 = greedy (argmax). */
export interface SamplingSettings {
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
}
