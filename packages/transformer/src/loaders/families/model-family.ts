import type { DecoderConfig } from '../../models/decoder-config';
import type { DecoderModel } from '../../models/decoder-model';
import type { GgufFile } from '@transformer-kit/tensor';
import type { WeightSource } from '../weight-source';

/**
 * What the loaders need to know about one decoder family: which GGUF architectures and config.json
 * `model_type`s it covers, how to read its config from each, which tensor names and layouts differ, and the
 * model file that builds it. Each family has one such object in its own file.
 */
export interface ModelFamily {
  /** GGUF `general.architecture` values this family reads ('qwen2', 'qwen3'). */
  readonly ggufArchitectures: readonly string[];
  /** config.json `model_type` values this family reads. */
  readonly modelTypes: readonly string[];
  /** ggml layer-tensor names whose Hugging Face name differs from `GGUF_LAYER_NAMES` (Gemma 2's norms). */
  readonly ggufNames?: Readonly<Record<string, string>>;
  /** The config from GGUF metadata (`<arch>.*` keys); a missing or invalid key is an error naming `origin` and the key. */
  configFromGguf(gguf: GgufFile, origin: string): DecoderConfig;
  /** The config from a Hugging Face config.json. */
  configFromHf(json: Record<string, unknown>): DecoderConfig;
  /** Hugging Face tensors → the layout the model reads (GGUF's), when they differ (Gemma: norms + 1). */
  fromHfLayout?(weights: WeightSource): WeightSource;
  /** Builds the family's model from weights in the layout the model reads (Hugging Face names, GGUF's values). */
  build(config: DecoderConfig, weights: WeightSource): DecoderModel;
}


