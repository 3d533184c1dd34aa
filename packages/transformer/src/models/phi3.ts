/**
 * Phi-3 / Phi-3.5 / Phi-4-mini (Microsoft): Llama with fused matrices and a sliding window.
 *
 *   x = embed(ids)                                            // [batch, seq, dim]
 *   for each block:
 *     q | k | v = Wqkv · rmsNorm(x)                           // one [(heads + 2·kvHeads)·headDim, dim] matrix
 *     x = x + Wo · attention(rope(q), rope(k), v)             // GQA, RoPE rotating halves, sliding window
 *     gate | up = Wgate_up · rmsNorm(x)                       // one [2·hidden, dim] matrix, gate rows first
 *     x = x + down(silu(gate) ⊙ up)                           // SwiGLU
 *   logits = head(rmsNorm(x))
 *
 * The fused matrices are the checkpoint's layout in both GGUF and Hugging Face files; they are split by rows
 * once, at load (the block's `fused` option), into the blocks' separate projections. A quantized matrix is
 * split on its packed bytes (a ggml row is whole blocks), so each projection stays in the file's weight type.
 */
import type { WeightSource } from '../loaders/weight-source';
import { buildDecoder } from './build-decoder';
import type { DecoderConfig } from './decoder-config';
import type { DecoderModel } from './decoder-model';

/**
 * A Phi-3 model from Hugging Face-named weights (`self_attn.qkv_proj`, `mlp.gate_up_proj`).
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { phi3Model, readGgufModel, type DecoderConfig } from '@transformer-kit/transformer';
 * const { config, weights } = readGgufModel(readFileSync('../shared/models/families/phi3-tiny.gguf'));
 * const model = phi3Model(config as DecoderConfig, weights);
 * console.log(model.family, (config as DecoderConfig).slidingWindow); // phi3 2048
 * ```
 */
export function phi3Model(config: DecoderConfig, weights: WeightSource): DecoderModel {
  return buildDecoder(config, weights, {
    block: () => ({ activation: 'silu', fused: true, window: config.slidingWindow }),
  });
}
