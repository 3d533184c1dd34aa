/**
 * A Llama-shaped decoder from Hugging Face-named weights, for the families that differ from Llama only by
 * options (qwen2.ts, phi3.ts, gemma.ts, gemma2.ts say which):
 *
 *   x = embed(ids) · embeddingScale                           // [batch, seq, dim]
 *   for each layer l: x = decoderBlock(l, options(l))(x)
 *   logits = head(rmsNorm(x))                                 // head = the embedding table when tied
 */
import { TokenEmbedding } from '@transformer-kit/embedding';
import { Linear } from '@transformer-kit/attention';
import type { WeightSource } from '../loaders/weight-source';
import { decoderBlock, type DecoderBlockOptions } from './decoder-block';
import type { DecoderConfig } from './decoder-config';
import { DecoderModel } from './decoder-model';
import { layerWeights } from './layer-weights';

/** What a family chooses when its model is built. */
export interface DecoderBuildOptions {
  /** The block options of layer `layer` (Gemma 2 alternates local and global attention). */
  readonly block: (layer: number) => DecoderBlockOptions;
  /** Multiplier of the embedding lookup (Gemma: √dim), not of a tied head. Default 1. */
  readonly embeddingScale?: number;
}

/**
 * Reads the embedding, the blocks, the final norm and the head, and hands them to a DecoderModel.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { buildDecoder, readGgufModel, type DecoderConfig } from '@transformer-kit/transformer';
 * const { config, weights } = readGgufModel(readFileSync('../shared/models/families/qwen2-tiny.gguf'));
 * const model = buildDecoder(config as DecoderConfig, weights, { block: () => ({ activation: 'silu', qkvBias: true }) });
 * console.log(model.family, model.layers); // qwen2 3
 * ```
 */
export function buildDecoder(config: DecoderConfig, weights: WeightSource, options: DecoderBuildOptions): DecoderModel {
  const { dim, vocabSize, normEps } = config;
  const w = layerWeights(weights);
  const blocks = Array.from({ length: config.layers }, (_, l) => decoderBlock(w, l, config, options.block(l)));
  const table = w.tensor('model.embed_tokens.weight', [vocabSize, dim]); // [vocab, dim]
  return new DecoderModel(config, {
    embedding: new TokenEmbedding(table, { scale: options.embeddingScale }),
    blocks,
    norm: w.rmsNorm('model.norm.weight', dim, normEps),
    head: config.tiedEmbeddings ? null : new Linear(w.tensor('lm_head.weight', [vocabSize, dim])), // [vocab, dim]
  });
}
