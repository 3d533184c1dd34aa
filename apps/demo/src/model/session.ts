/**
 * The demo's one place that talks to the packages: it opens a checkpoint, runs the prompt through the model
 * with introspection on, and turns tensors into the plain arrays the panels draw. Everything here goes through
 * the packages' public APIs (tensor, tokenizer, transformer). It runs inside the engine (a Web Worker).
 */
import { rmsNorm, slice, tensor, tidy, type Tensor } from '@transformer-kit/tensor';
import { loadGgufTokenizer, loadLlama2cTokenizer, loadTokenizerJson, type Tokenizer } from '@transformer-kit/tokenizer';
import {
  familyOfModelType,
  LlamaModel,
  llamaConfigFromHf,
  readGguf,
  readGgufModel,
  readLlama2c,
  safetensorsWeights,
  shardFilesOf,
  SUPPORTED_GGUF_ARCHITECTURES,
  type CausalLM,
  type DecoderConfig,
  type LlamaConfig,
  type WeightSource,
} from '@transformer-kit/transformer';
import { pca2 } from '../math/pca';
import { familyTraits } from './family-traits';
import { isGguf } from './file-kinds';
import { hostProject, queryWeights } from './host-weights';
import type { ModelFiles } from './protocol';
import type { Analysis, ModelInfo, TokenView } from './types';

/**
 * A checkpoint parsed from bytes (config + host weights, packed ones left packed) and the family's builder:
 * kept so the model can be rebuilt on another backend.
 */
export interface Checkpoint {
  config: LlamaConfig | DecoderConfig;
  weights: WeightSource;
  build(): CausalLM;
}

function llamaCheckpoint(config: LlamaConfig, weights: WeightSource): Checkpoint {
  return { config, weights, build: () => new LlamaModel(config, weights) };
}

/** Reads the tensor's values as a Float32Array (await: a GPU reads asynchronously). */
export async function read(t: Tensor): Promise<Float32Array> {
  const data = await t.data();
  return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
}

function json(bytes: ArrayBuffer, file: string): Record<string, unknown> {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message})`);
  }
}

/** A Hugging Face folder's files → a checkpoint of its family (llama, qwen2, qwen3, phi3, gemma, gemma2) and its tokenizer.json. */
function openHuggingFace(folder: Record<string, ArrayBuffer>): { checkpoint: Checkpoint; tokenizer: Tokenizer } {
  if (!folder['config.json']) throw new Error(`The Hugging Face files have no config.json (got ${Object.keys(folder).join(', ') || 'nothing'}).`);
  const config = json(folder['config.json'], 'config.json');
  const family = config.model_type === 'llama' ? null : familyOfModelType(String(config.model_type));
  if (config.model_type !== 'llama' && !family) {
    throw new Error(`config.json: model_type ${JSON.stringify(config.model_type)}: this page draws decoder blocks of ${SUPPORTED_GGUF_ARCHITECTURES.join(', ')}; load one of those, a llama2.c .bin or a GGUF.`);
  }
  let shards: string[] = ['model.safetensors'];
  if (!folder['model.safetensors']) {
    if (!folder['model.safetensors.index.json']) throw new Error('The Hugging Face files have neither model.safetensors nor model.safetensors.index.json.');
    shards = shardFilesOf(json(folder['model.safetensors.index.json'], 'model.safetensors.index.json'));
  }
  const files: Record<string, Uint8Array> = {};
  for (const shard of shards) {
    if (!folder[shard]) throw new Error(`${shard} is missing from the Hugging Face files.`);
    files[shard] = new Uint8Array(folder[shard]);
  }
  if (!folder['tokenizer.json']) throw new Error('The Hugging Face files have no tokenizer.json: the page needs the model’s tokenizer.');
  const tokenizer = loadTokenizerJson(new Uint8Array(folder['tokenizer.json']));
  const weights = safetensorsWeights(files);
  if (!family) return { checkpoint: llamaCheckpoint(llamaConfigFromHf(config), weights), tokenizer };
  // The family's Hugging Face → GGUF layout rules (Gemma's norms + 1), so the block view reads one layout.
  const familyConfig = family.configFromHf(config);
  const laidOut = family.fromHfLayout ? family.fromHfLayout(weights) : weights;
  return { checkpoint: { config: familyConfig, weights: laidOut, build: () => family.build(familyConfig, laidOut) }, tokenizer };
}

/** The files (GGUF, llama2.c + tokenizer, or a Hugging Face folder) → checkpoint and tokenizer. */
function openFiles(files: ModelFiles): { checkpoint: Checkpoint; tokenizer: Tokenizer } {
  if (files.folder) return openHuggingFace(files.folder);
  if (!files.model) throw new Error('No model file was given.');
  if (isGguf(files.model)) {
    // The packages' architecture dispatch (general.architecture), whatever the weight type: a quantized GGUF
    // (Q4_K_M) keeps its matrices packed, and the model multiplies them as such.
    const gguf = readGguf(files.model);
    const { config, weights, build } = readGgufModel(gguf, files.name);
    const tokenizer = files.tokenizer ? loadLlama2cTokenizer(files.tokenizer) : loadGgufTokenizer(gguf.metadata);
    return { checkpoint: { config, weights, build: () => build() }, tokenizer };
  }
  if (isGguf(files.tokenizer)) {
    throw new Error(`The tokenizer file is a GGUF model; load the GGUF as the model (its tokenizer is inside) or give ${files.name} its llama2.c tokenizer .bin.`);
  }
  const { config, weights } = readLlama2c(files.model, files.name);
  if (!files.tokenizer) throw new Error(`${files.name} is a llama2.c checkpoint: it needs its tokenizer file too (tok512.bin for stories260K).`);
  return { checkpoint: llamaCheckpoint(config, weights), tokenizer: loadLlama2cTokenizer(files.tokenizer) };
}

export class Session {
  readonly info: ModelInfo;
  readonly tokenizer: Tokenizer;
  readonly checkpoint: Checkpoint;
  /** The token embedding table [vocabSize, dim], row-major (host values). */
  readonly embeddings: Float32Array;
  #model: CausalLM;
  /** For the last analysed prompt: the residual stream [layers + 1][seq * dim] and attention [layers][heads * seq * seq]. */
  hidden: Float32Array[] = [];
  attention: Float32Array[] = [];

  private constructor(name: string, checkpoint: Checkpoint, tokenizer: Tokenizer) {
    this.checkpoint = checkpoint;
    this.tokenizer = tokenizer;
    const { config, weights } = checkpoint;
    // NOTE: the tokenizer.bin is read whole (no vocabSize hint), so another model's longer vocabulary shows here.
    if (tokenizer.vocabSize !== config.vocabSize) {
      throw new Error(`The tokenizer has ${tokenizer.vocabSize} tokens but ${name} expects ${config.vocabSize}: is it the model's own tokenizer?`);
    }
    this.#model = checkpoint.build();
    // [vocab, dim] as float32: a packed table (Q4_K, Q8_0, f16…) is decoded by ggml's own rules (HostTensor.data).
    this.embeddings = weights.get('model.embed_tokens.weight').data;
    this.info = {
      name,
      ...familyTraits(config),
      dim: config.dim,
      hiddenDim: config.hiddenDim,
      layers: config.layers,
      heads: config.heads,
      kvHeads: config.kvHeads,
      headDim: 'headDim' in config ? config.headDim : config.dim / config.heads,
      vocabSize: config.vocabSize,
      maxSeqLen: config.maxSeqLen,
      ropeTheta: config.ropeTheta,
      ropeLayout: config.ropeLayout,
      normEps: config.normEps,
      tiedEmbeddings: config.tiedEmbeddings,
      pieces: Array.from({ length: config.vocabSize }, (_, id) => tokenizer.idToToken(id)),
      pca: pca2(this.embeddings, config.vocabSize, config.dim),
    };
  }

  /** Parses the files and builds the model on the active backend. */
  static open(files: ModelFiles): Session {
    const { checkpoint, tokenizer } = openFiles(files);
    return new Session(files.name, checkpoint, tokenizer);
  }

  /** Rebuilds the model's weights on the backend now active (after the backend switch). */
  rebuild(): void {
    this.#model.dispose();
    this.#model = this.checkpoint.build();
  }

  dispose(): void {
    this.#model.dispose();
  }

  /** The model (for generation). */
  get model(): CausalLM {
    return this.#model;
  }

  /** The prompt's tokens with their spans and vocabulary pieces. */
  tokenize(prompt: string): TokenView[] {
    const { ids, offsets } = this.tokenizer.encodeWithOffsets(prompt);
    return ids.map((id, i) => {
      const [start, end] = offsets[i];
      const special = id === this.tokenizer.specialTokenIds.bos || id === this.tokenizer.specialTokenIds.eos;
      const piece = this.tokenizer.idToToken(id);
      // llama2.c spells BOS "\n<s>\n": the newlines are file formatting, not part of the token's meaning.
      return { id, piece: special ? piece.trim() : piece, start, end, special };
    });
  }

  /** One forward pass over the prompt with attention weights and hidden states. */
  async analyse(prompt: string): Promise<Analysis> {
    const tokens = this.tokenize(prompt);
    const seq = tokens.length;
    if (seq > this.info.maxSeqLen) throw new Error(`The prompt is ${seq} tokens; ${this.info.name} reads at most ${this.info.maxSeqLen}. Shorten it to run the model.`);
    const { dim } = this.info;
    const tokenVectors = new Float32Array(seq * dim); // [seq, dim]
    tokens.forEach((t, i) => tokenVectors.set(this.embeddings.subarray(t.id * dim, (t.id + 1) * dim), i * dim));

    const started = performance.now();
    const ids = tensor(Int32Array.from(tokens.map((t) => t.id)), [1, seq], 'int32'); // [batch 1, seq]
    const out = this.#model.forward(ids, { outputAttentions: true, outputHiddenStates: true });
    ids.dispose();
    try {
      const last = slice(out.logits, [0, seq - 1, 0], [1, 1, this.info.vocabSize]); // [1, 1, vocab]
      const logits = await read(last);
      last.dispose();
      const forwardMs = performance.now() - started;
      const attention = await Promise.all(out.attentions!.map(read)); // each [1, heads, seq, seq]
      this.attention = attention;
      this.hidden = await Promise.all(out.hiddenStates!.map(read)); // layers + 1, each [1, seq, dim]
      return { prompt, tokens, tokenVectors, attention, logits, forwardMs };
    } finally {
      out.logits.dispose();
      for (const t of out.attentions ?? []) t.dispose();
      for (const t of out.hiddenStates ?? []) t.dispose();
    }
  }

  /**
   * The query of token `index` in `layer`, head `head`, BEFORE rotation: rmsNorm(x) · Wqᵀ, sliced to the head.
   * The model applies rotary positions inside attention; this recomputes the input to that rotation from the
   * layer's input (a hidden state) and the checkpoint's weights, so the positional panel can show the turn.
   */
  async query(index: number, layer: number, head: number): Promise<Float32Array> {
    const { dim, headDim, heads, traits } = this.info;
    const input = this.hidden[layer];
    if (!input) throw new Error('Run a prompt first');
    const p = `model.layers.${layer}.`;
    const weights = this.checkpoint.weights;
    const gamma = weights.get(`${p}input_layernorm.weight`);
    const normed = tidy(() => {
      const x = tensor(input.slice(index * dim, (index + 1) * dim), [1, dim]); // [1, dim]
      return rmsNorm(x, tensor(gamma.data, [dim]), this.checkpoint.config.normEps);
    });
    const n = await read(normed);
    normed.dispose();
    // q = Wq · n (+ bq for Qwen2) [heads * headDim], Phi-3's Wq being the first rows of its fused qkv matrix.
    const { weight, bias } = queryWeights(weights, layer, heads * headDim, traits.fused);
    const all = hostProject(n, 1, weight); // [1, heads * headDim]
    const q = all.slice(head * headDim, (head + 1) * headDim); // [headDim]
    if (bias) for (let i = 0; i < headDim; i++) q[i] += bias[head * headDim + i];
    if (!traits.qkNorm) return q;
    // Qwen3: each head's query goes through its own RMSNorm before RoPE.
    const qNorm = weights.get(`${p}self_attn.q_norm.weight`).data;
    const scaled = tidy(() => rmsNorm(tensor(q, [1, headDim]), tensor(qNorm, [headDim]), this.checkpoint.config.normEps)); // [1, headDim]
    const values = await read(scaled);
    scaled.dispose();
    return values;
  }
}
