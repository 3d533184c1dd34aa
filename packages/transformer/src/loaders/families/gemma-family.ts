/**
 * Gemma (GGUF `gemma`, config.json `gemma`). Same tensor names as Llama; the layout rule that differs is the
 * norms: Gemma's RMSNorm multiplies by (1 + w). Hugging Face stores w and adds the 1 at run time; llama.cpp's
 * converter stores 1 + w. The model reads 1 + w, so `fromHfLayout` adds 1 to every norm weight of a
 * Hugging Face checkpoint. RoPE rotates halves in both formats; the head is the embedding table.
 */
import type { DecoderConfig } from '../../models/decoder-config';
import { gemmaModel } from '../../models/gemma';
import { decoderConfigFromGguf, decoderConfigFromHf } from './decoder-config-readers';
import { plusOneNorms } from './plus-one-norms';
import type { ModelFamily } from './model-family';

/**
 * The Gemma family for the loaders.
 *
 * @example
 * ```ts
 * import { gemmaFamily } from '@transformer-kit/transformer';
 * const c = gemmaFamily.configFromHf({ hidden_size: 128, intermediate_size: 256, num_hidden_layers: 3, num_attention_heads: 4,
 *   num_key_value_heads: 2, head_dim: 48, vocab_size: 512 });
 * console.log(c.family, c.headDim, c.tiedEmbeddings); // gemma 48 true
 * ```
 */
export const gemmaFamily: ModelFamily = {
  ggufArchitectures: ['gemma'],
  modelTypes: ['gemma'],
  configFromGguf: (gguf, origin): DecoderConfig => decoderConfigFromGguf(gguf, 'gemma', origin),
  configFromHf: (json): DecoderConfig => decoderConfigFromHf(json, 'gemma', true),
  fromHfLayout: plusOneNorms,
  build: gemmaModel,
};
