/**
 * @packageDocumentation
 * Step 6 and the whole: norms, feed-forward, residual blocks, the GPT-2 / Llama / BERT / Vaswani
 * encoder-decoder models, checkpoint loaders (Hugging Face safetensors, llama2.c .bin, GGUF) and generation.
 * Everything here takes bytes; Node file and download helpers are in `@transformer-kit/transformer/node`.
 */
// layers
// NOTE: the one Linear (attention's projections are Linears too); re-exported so code importing it from here keeps working.
export { Linear } from '@transformer-kit/attention';
export { LayerNorm } from './layers/layer-norm';
export { RMSNorm } from './layers/rms-norm';
export { FeedForward, activate, activationFromName } from './layers/feed-forward';
export { TransformerBlock } from './layers/transformer-block';
export { torchEncoderLayer, torchDecoderLayer } from './layers/torch-transformer-layers';
// models
export { LlamaModel } from './models/llama';
export { llamaConfigFromHf } from './models/llama-config';
export { ropeFromHf, ropeScalingFromHf } from './models/rope-scaling-from-hf';
export { Gpt2Model, gpt2ConfigFromHf } from './models/gpt2';
export { BertModel, bertConfigFromHf } from './models/bert';
export { EncoderDecoderModel } from './models/encoder-decoder';
export { runDecoderStack } from './models/run-decoder-stack';
export { DecoderModel } from './models/decoder-model';
export { qwen2Model } from './models/qwen2';
export { phi3Model } from './models/phi3';
export { gemmaModel } from './models/gemma';
export { gemma2Model } from './models/gemma2';
export { layerWeights } from './models/layer-weights';
export { decoderBlock } from './models/decoder-block';
export { buildDecoder } from './models/build-decoder';
// loaders
// NOTE: the GGUF reader lives in @transformer-kit/tensor; re-exported so code importing it from here keeps working.
export { readGguf, ggufToFloat32 } from './loaders/gguf-reexports';
export { readGgufLlama } from './loaders/read-gguf-llama';
export { ropeFrequencyFactorsFromGguf } from './loaders/rope-frequency-factors-from-gguf';
export { readGgufModel, SUPPORTED_GGUF_ARCHITECTURES } from './loaders/read-gguf-model';
export { hfNameOfGguf, GGUF_LAYER_NAMES } from './loaders/families/gguf-tensor-names';
export { decoderConfigFromGguf, decoderConfigFromHf, ggufNumbers, hfNumbers } from './loaders/families/decoder-config-readers';
export { familyOfGgufArchitecture, familyOfModelType } from './loaders/families/model-families';
export { qwen2Family } from './loaders/families/qwen2-family';
export { phi3Family } from './loaders/families/phi3-family';
export { gemmaFamily } from './loaders/families/gemma-family';
export { gemma2Family } from './loaders/families/gemma2-family';
export { plusOneNorms } from './loaders/families/plus-one-norms';
export { readLlama2c } from './loaders/read-llama2c';
export { safetensorsWeights, shardFilesOf, shardSizeLimit } from './loaders/safetensors-weights';
export { relativePathProblem, assertRelativePath } from './loaders/relative-path-problem';
export { finiteWeights, countNonFinite } from './loaders/finite-weights';
export { checkTokenizerFitsModel } from './loaders/check-tokenizer-fits';
export { validateLlamaConfig, MAX_CONTEXT_LENGTH } from './models/config-rules';
export { weightSource, withPrefixes, transposeHost, expectShape } from './loaders/weight-source';
export { packedHostTensor, toWeight } from './loaders/host-weight';
export { splitHostRows } from './loaders/split-host-rows';
export { ggufWeight } from './loaders/gguf-weight';
export { loadHuggingFace, loadLlama2c, loadGguf, modelFromConfig, isCausalLM, SUPPORTED_MODEL_TYPES } from './loaders/load-model';
export { requireCausalLM } from './loaders/require-causal-lm';
export { hubFileUrl } from './hub/hub-file-url';
export { loadFromHub, parseHubName } from './hub/load-from-hub';
// generation
export { generate } from './generation/generate';
export { promptIds } from './generation/prompt-ids';
export { Sampler } from './generation/sampler';
export { greedyOnBackend } from './generation/greedy-on-backend';
export { XorShiftRandom } from './generation/xorshift-random';

export type { Norm } from './layers/norm';
export type { Activation, FeedForwardWeights } from './layers/feed-forward';
export type { NormPlacement, TransformerBlockParts, TransformerBlockOptions, TransformerBlockOutput } from './layers/transformer-block';
export type { TorchLayerConfig } from './layers/torch-transformer-layers';
export type { CausalLM, ForwardOptions, ModelOutput } from './models/causal-lm';
export type { LlamaConfig } from './models/llama-config';
export type { Gpt2Config } from './models/gpt2';
export type { BertConfig, BertForwardOptions, BertOutput } from './models/bert';
export type { EncoderDecoderConfig, EncoderDecoderForwardOptions, EncoderDecoderOutput } from './models/encoder-decoder';
export type { DecoderStackParts } from './models/run-decoder-stack';
export type { DecoderConfig, DecoderFamily } from './models/decoder-config';
export type { DecoderModelParts } from './models/decoder-model';
export type { LayerWeights } from './models/layer-weights';
export type { DecoderBlockOptions, DecoderBlockSizes } from './models/decoder-block';
export type { DecoderBuildOptions } from './models/build-decoder';
export type { ModelFamily } from './loaders/families/model-family';
export type { NumberReader } from './loaders/families/decoder-config-readers';
export type { GgufModelCheckpoint } from './loaders/read-gguf-model';
export type { GgufFile, GgufTensorInfo, GgufValue } from '@transformer-kit/tensor';
export type { GgufLlamaCheckpoint } from './loaders/read-gguf-llama';
export type { Llama2cCheckpoint } from './loaders/read-llama2c';
export type { HostTensor, WeightSource } from './loaders/weight-source';
export type { LoadedModel, LoadedCausalLM, ModelFileReader } from './loaders/load-model';
export type { LoadProgress, ProgressCallback } from './loaders/load-progress';
export type { NonFiniteOptions, NonFiniteReport } from './loaders/finite-weights';
export type { TokenizerFitOptions } from './loaders/check-tokenizer-fits';
export type { LlamaFieldNames } from './models/config-rules';
export type { HubFileReader } from './hub/load-from-hub';
export type { GenerateOptions, GeneratedToken } from './generation/generate';
export type { SamplingOptions, SampledToken } from './generation/sampler';
