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
  /** The feed-forward's inner width (SwiGLU gate/up rows). */
  hiddenDim: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  vocabSize: number;
  maxSeqLen: number;
  ropeTheta: number;
  ropeLayout: 'interleaved' | 'halves';
  normEps: number;
  /** The output head is the embedding table (true for stories260K). */
  tiedEmbeddings: boolean;
  /** Every vocabulary piece, by id. */
  pieces: readonly string[];
  /** The vocabulary's embedding rows on their first two principal components (computed in the engine). */
  pca: { x: Float32Array; y: Float32Array; explained: [number, number] };
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
