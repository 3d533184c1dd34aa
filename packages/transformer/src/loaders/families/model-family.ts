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
  readonly ggufArchitectures: readonly string[];
  readonly modelTypes: readonly string[];
  /** ggml layer-tensor names whose Hugging Face name differs from `GGUF_LAYER_NAMES` (Gemma 2's norms). */
  readonly ggufNames?: Readonly<Record<string, string>>;
  configFromGguf(gguf: GgufFile, origin: string): DecoderConfig;
  configFromHf(json: Record<string, unknown>): DecoderConfig;
  /** Hugging Face tensors → the layout the model reads (GGUF's), when they differ (Gemma: norms + 1). */
  fromHfLayout?(weights: WeightSource): WeightSource;
  build(config: DecoderConfig, weights: WeightSource): DecoderModel;
}


