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

/**
 * What a model family computes beyond Llama's block (RMSNorm, RoPE, SwiGLU), as the panels draw or name it.
 * Read from the model's config (model/family-traits.ts).
 */
export interface FamilyTraits {
  /** The feed-forward's gate: silu (SwiGLU: Llama, Qwen, Phi-3) or GELU with the tanh approximation (GeGLU: Gemma). */
  activation: 'silu' | 'gelu_tanh';
  /** The token embedding is multiplied by this on lookup (Gemma: √dim), 1 otherwise; a tied head reads it unscaled. */
  embeddingScale: number;
  /** The q, k and v projections add biases (Qwen2). */
  qkvBias: boolean;
  /** Each head's q and k go through their own RMSNorm before RoPE (Qwen3). */
  qkNorm: boolean;
  /** One fused [q; k; v] matrix and one fused [gate; up] matrix (Phi-3), split by rows. */
  fused: boolean;
  /** Each sublayer's output is normalised before it joins the stream (Gemma 2's "sandwich" norms). */
  postNorms: boolean;
  /** Attention scores become cap · tanh(scores / cap) before the softmax (Gemma 2). */
  attentionSoftCap?: number;
  /** Logits become cap · tanh(logits / cap) (Gemma 2). */
  finalSoftCap?: number;
  /** Keys beyond this many positions back are hidden: on every layer (Phi-3) or the even ones (Gemma 2). */
  slidingWindow?: { size: number; layers: 'all' | 'even' };
}

/** What the model is: enough to label pictures and explain GQA. */
export interface ModelInfo {
  name: string;
  /** The architecture: 'llama', 'qwen2', 'qwen3', 'phi3', 'gemma', 'gemma2'. */
  family: string;
  traits: FamilyTraits;
  dim: number;
  /** The feed-forward's inner width (gate/up rows). */
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
