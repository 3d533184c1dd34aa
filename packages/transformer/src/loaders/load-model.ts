/**
 * From checkpoint bytes to a ready model (and its tokenizer): Hugging Face folders (config.json +
 * safetensors, single or sharded, + tokenizer.json), llama2.c `.bin` (+ its tokenizer.bin) and GGUF (the
 * tokenizer is in its metadata). Everything here takes bytes, so it runs in a browser; the Node file and
 * download helpers are in `@transformer-kit/transformer/node`.
 */
import { jsonKind, parseJsonObject, readGguf } from '@transformer-kit/tensor';
import { loadGgufTokenizer, loadLlama2cTokenizer, loadTokenizerJson, type Tokenizer } from '@transformer-kit/tokenizer';
import { BertModel, bertConfigFromHf, type BertConfig } from '../models/bert';
import type { CausalLM } from '../models/causal-lm';
import { Gpt2Model, gpt2ConfigFromHf, type Gpt2Config } from '../models/gpt2';
import { ggufLlamaFields, HF_LLAMA_FIELDS, validateLlamaConfig } from '../models/config-rules';
import { LlamaModel } from '../models/llama';
import { llamaConfigFromHf, type LlamaConfig } from '../models/llama-config';
import { checkTokenizerFitsModel } from './check-tokenizer-fits';
import { finiteWeights, type NonFiniteOptions } from './finite-weights';
import type { DecoderConfig } from '../models/decoder-config';
import { familyOfModelType, FAMILY_MODEL_TYPES } from './families/model-families';
import { readGgufModel } from './read-gguf-model';
import type { ProgressCallback } from './load-progress';
import { readLlama2c } from './read-llama2c';
import { safetensorsWeights, shardFilesOf, shardSizeLimit } from './safetensors-weights';
import type { WeightSource } from './weight-source';

/** The `model_type`s of config.json this package can build. */
export const SUPPORTED_MODEL_TYPES: readonly string[] = ['llama', 'gpt2', 'bert', ...FAMILY_MODEL_TYPES];

/** A loaded model, its tokenizer (when the checkpoint has one) and where it came from. */
export interface LoadedModel {
  readonly model: CausalLM | BertModel;
  readonly tokenizer?: Tokenizer;
  readonly format: 'huggingface' | 'llama2c' | 'gguf';
  readonly config: LlamaConfig | DecoderConfig | Gpt2Config | BertConfig;
}

/**
 * A loaded decoder-only model: `model` is a `CausalLM`, and `tokenizer` is a `Tokenizer` when the loader was
 * given one or always finds one (`LoadedCausalLM<Tokenizer>`), else possibly undefined.
 */
export interface LoadedCausalLM<T extends Tokenizer | undefined = Tokenizer | undefined> extends Omit<LoadedModel, 'model' | 'tokenizer'> {
  readonly model: CausalLM;
  readonly tokenizer: T;
}

/**
 * Reads one file of a model folder by its relative name ('config.json'); undefined when it does not exist.
 * `limits.maxBytes`, when given, is the most bytes the file may have (from the shard index's `total_size`).
 */
export type ModelFileReader = (name: string, limits?: { readonly maxBytes?: number }) => Promise<Uint8Array | undefined>;

/**
 * True for a decoder-only model that `generate` can drive.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * import { isCausalLM, loadHuggingFace } from '@transformer-kit/transformer';
 * for (const name of ['gpt2-tiny', 'bert-tiny']) {
 *   const dir = `../shared/fixtures/models/${name}/`; // random models in Hugging Face's layout
 *   const { model } = await loadHuggingFace(async (file) => readFile(dir + file).catch(() => undefined));
 *   console.log(name, isCausalLM(model)); // gpt2-tiny true, then bert-tiny false
 * }
 * ```
 */
export function isCausalLM(model: CausalLM | BertModel): model is CausalLM {
  return typeof (model as CausalLM).createCache === 'function';
}

/**
 * Builds the model class config.json's `model_type` names. An unsupported type is an error listing the
 * supported ones. The families' Hugging Face layouts differ from their GGUF ones in a few rules (see
 * `loaders/families/`): Gemma/Gemma 2 store norm weights w where GGUF stores 1 + w (`plusOneNorms` adds the 1);
 * Gemma 2 names its four norms `input_layernorm`, `post_attention_layernorm`, `pre_feedforward_layernorm`,
 * `post_feedforward_layernorm`; Llama keeps q/k rows in halves where llama.cpp permutes them to interleaved
 * pairs (`ropeLayout`); Phi-3's `qkv_proj` and `gate_up_proj` are fused in both formats.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { Gpt2Model, modelFromConfig, safetensorsWeights } from '@transformer-kit/transformer';
 * const dir = '../shared/fixtures/models/gpt2-tiny/'; // a random GPT-2 in Hugging Face's layout
 * const { model, config } = modelFromConfig(
 *   JSON.parse(readFileSync(dir + 'config.json', 'utf8')),
 *   safetensorsWeights({ 'model.safetensors': readFileSync(dir + 'model.safetensors') }),
 * );
 * console.log(model instanceof Gpt2Model, config.vocabSize); // true 97: model_type 'gpt2' in config.json
 * ```
 */
export function modelFromConfig(json: Record<string, unknown>, source: WeightSource, options: NonFiniteOptions = {}): { model: CausalLM | BertModel; config: LlamaConfig | DecoderConfig | Gpt2Config | BertConfig } {
  const weights = finiteWeights(source, options);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error(`config.json: the top level is ${jsonKind(json)}, not an object`);
  const type = json.model_type;
  const family = familyOfModelType(String(type));
  if (family) {
    // The family's config, and its Hugging Face → GGUF layout rules (Gemma's +1 on norms), then the one model file.
    const config = validateLlamaConfig(family.configFromHf(json), 'config.json', HF_LLAMA_FIELDS);
    return { model: naming(weights.origin, () => family.build(config, family.fromHfLayout ? family.fromHfLayout(weights) : weights)), config };
  }
  switch (type) {
    case 'llama': {
      const config = llamaConfigFromHf(json);
      return { model: naming(weights.origin, () => new LlamaModel(config, weights)), config };
    }
    case 'gpt2': {
      const config = gpt2ConfigFromHf(json);
      return { model: naming(weights.origin, () => new Gpt2Model(config, weights)), config };
    }
    case 'bert': {
      const config = bertConfigFromHf(json);
      return { model: naming(weights.origin, () => new BertModel(config, weights)), config };
    }
    default:
      throw new Error(`config.json: model_type ${JSON.stringify(type)} is not supported (supported: ${SUPPORTED_MODEL_TYPES.join(', ')})`);
  }
}

/** Runs a model constructor; a shape error (which names the tensor, not the file) gets the file's name in front. */
function naming<T>(origin: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('tensor ')) throw new Error(`${origin}: ${error.message}`, { cause: error });
    throw error;
  }
}

function decodeJson(bytes: Uint8Array, file: string): Record<string, unknown> {
  return parseJsonObject(new TextDecoder().decode(bytes), file);
}

/**
 * Loads a Hugging Face model folder through `read`: config.json, then model.safetensors or the shards of
 * model.safetensors.index.json, then tokenizer.json when present.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * import { Gpt2Model, loadHuggingFace } from '@transformer-kit/transformer';
 * // the reader returns a file's bytes, or undefined when the model has no such file; in a browser:
 * // async (name) => { const res = await fetch(base + name); return res.ok ? new Uint8Array(await res.arrayBuffer()) : undefined; }
 * const dir = '../shared/fixtures/models/gpt2-tiny/'; // a random GPT-2 in Hugging Face's layout
 * const loaded = await loadHuggingFace(async (name) => readFile(dir + name).catch(() => undefined));
 * console.log(loaded.format, loaded.model instanceof Gpt2Model, loaded.tokenizer); // huggingface true undefined (no tokenizer.json here)
 * ```
 */
export async function loadHuggingFace(read: ModelFileReader, options: { onProgress?: ProgressCallback } & NonFiniteOptions = {}): Promise<LoadedModel> {
  const progress = options.onProgress ?? (() => {});
  const configBytes = await read('config.json');
  if (!configBytes) throw new Error('config.json is missing: not a Hugging Face model folder');
  const json = decodeJson(configBytes, 'config.json');
  if (!SUPPORTED_MODEL_TYPES.includes(json.model_type as string)) {
    throw new Error(`config.json: model_type ${JSON.stringify(json.model_type)} is not supported (supported: ${SUPPORTED_MODEL_TYPES.join(', ')})`);
  }
  const files: Record<string, Uint8Array> = {};
  const single = await read('model.safetensors');
  if (single) {
    files['model.safetensors'] = single;
  } else {
    const index = await read('model.safetensors.index.json');
    if (!index) throw new Error('neither model.safetensors nor model.safetensors.index.json is present');
    const indexJson = decodeJson(index, 'model.safetensors.index.json');
    const shards = shardFilesOf(indexJson);
    const maxBytes = shardSizeLimit(indexJson);
    for (const [i, shard] of shards.entries()) {
      const bytes = await read(shard, { maxBytes });
      if (!bytes) throw new Error(`model.safetensors.index.json lists ${shard}, which is missing`);
      files[shard] = bytes;
      progress({ phase: 'read', file: shard, loaded: i + 1, total: shards.length });
    }
  }
  const tokenizerBytes = await read('tokenizer.json');
  const tokenizer = tokenizerBytes ? loadTokenizerJson(tokenizerBytes) : undefined;
  progress({ phase: 'build', loaded: 0, total: 1 });
  const { model, config } = modelFromConfig(json, safetensorsWeights(files), options);
  if (tokenizer) checkTokenizerFitsModel(tokenizer, config.vocabSize, { model: 'config.json', tokenizer: 'tokenizer.json' });
  progress({ phase: 'build', loaded: 1, total: 1 });
  return { model, tokenizer, format: 'huggingface', config };
}

/**
 * Loads a llama2.c checkpoint, and its tokenizer.bin when given.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { loadLlama2c } from '@transformer-kit/transformer';
 * const { model, tokenizer } = loadLlama2c(
 *   readFileSync('../shared/models/stories260K/stories260K.bin'),
 *   readFileSync('../shared/models/stories260K/tok512.bin'),
 * );
 * console.log(model.family, model.layers, model.vocabSize, tokenizer.encode('Once upon a time')); // llama 5 512 [ 1, 403, 407, 261, 378 ]
 * ```
 */
export function loadLlama2c(bytes: Uint8Array | ArrayBuffer, tokenizerBytes: Uint8Array | ArrayBuffer, origin?: string, options?: NonFiniteOptions): LoadedCausalLM<Tokenizer>;
export function loadLlama2c(bytes: Uint8Array | ArrayBuffer, tokenizerBytes?: undefined, origin?: string, options?: NonFiniteOptions): LoadedCausalLM<undefined>;
export function loadLlama2c(bytes: Uint8Array | ArrayBuffer, tokenizerBytes?: Uint8Array | ArrayBuffer, origin?: string, options?: NonFiniteOptions): LoadedCausalLM;
export function loadLlama2c(bytes: Uint8Array | ArrayBuffer, tokenizerBytes?: Uint8Array | ArrayBuffer, origin = 'llama2.c checkpoint', options: NonFiniteOptions = {}): LoadedCausalLM {
  const { config, weights } = readLlama2c(bytes, origin);
  const model = naming(origin, () => new LlamaModel(config, finiteWeights(weights, options)));
  // NOTE: read the whole tokenizer.bin (no vocabSize hint): a longer file is a different vocabulary, not a longer one.
  const tokenizer = tokenizerBytes ? loadLlama2cTokenizer(tokenizerBytes) : undefined;
  if (tokenizer) checkTokenizerFitsModel(tokenizer, config.vocabSize, { model: origin, tokenizer: 'the tokenizer', exact: true });
  return { model, tokenizer, format: 'llama2c', config };
}

/**
 * Loads a GGUF model (llama, qwen2, qwen3, phi3, gemma, gemma2) with the tokenizer stored in its metadata (or the
 * one given: a file without one is an error naming what to pass).
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { loadGguf } from '@transformer-kit/transformer';
 * // stories260K converted to GGUF by llama.cpp: the tokenizer comes from the file's metadata
 * const { model, tokenizer } = loadGguf(readFileSync('../shared/models/stories260K/stories260K.gguf'));
 * console.log(model.family, tokenizer.encode('Once upon a time')); // llama [ 1, 403, 407, 261, 378 ]
 * ```
 */
export function loadGguf(bytes: Uint8Array | ArrayBuffer, origin = 'GGUF file', tokenizer?: Tokenizer, options: NonFiniteOptions = {}): LoadedCausalLM<Tokenizer> {
  const gguf = readGguf(bytes, origin === 'GGUF file' ? {} : { name: origin });
  if (!tokenizer && gguf.metadata['tokenizer.ggml.model'] === undefined) {
    throw new Error(`${origin} has no tokenizer in its metadata (tokenizer.ggml.model is absent): pass one, loadGguf(bytes, origin, tokenizer)`);
  }
  const { config, weights, build } = readGgufModel(gguf, origin);
  validateLlamaConfig(config, origin, ggufLlamaFields(String(gguf.metadata['general.architecture'])));
  const model = naming(origin, () => build(finiteWeights(weights, options)));
  tokenizer ??= loadGgufTokenizer(gguf.metadata);
  checkTokenizerFitsModel(tokenizer, config.vocabSize, { model: origin, tokenizer: `${origin}'s tokenizer` });
  return { model, tokenizer, format: 'gguf', config };
}
