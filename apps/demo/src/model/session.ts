/**
 * The demo's one place that talks to the packages: it opens a checkpoint, runs the prompt through the model
 * with introspection on, and turns tensors into the plain arrays the panels draw. Everything here goes through
 * the packages' public APIs (tensor, tokenizer, transformer). It runs inside the engine (a Web Worker).
 */
import { matmul, rmsNorm, slice, tensor, tidy, type Tensor } from '@transformer-kit/tensor';
import { loadGgufTokenizer, loadLlama2cTokenizer, loadTokenizerJson, type Tokenizer } from '@transformer-kit/tokenizer';
import { LlamaModel, llamaConfigFromHf, readGguf, readGgufLlama, readLlama2c, safetensorsWeights, shardFilesOf, type LlamaConfig, type WeightSource } from '@transformer-kit/transformer';
import { pca2 } from '../math/pca';
import { isGguf } from './file-kinds';
import type { ModelFiles } from './protocol';
import type { Analysis, ModelInfo, TokenView } from './types';

/** A checkpoint parsed from bytes (config + host weights): kept so the model can be rebuilt on another backend. */
export interface Checkpoint {
  config: LlamaConfig;
  weights: WeightSource;
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

/** A Hugging Face folder's files → a Llama checkpoint and its tokenizer.json (the demo draws Llama blocks). */
function openHuggingFace(folder: Record<string, ArrayBuffer>): { checkpoint: Checkpoint; tokenizer: Tokenizer } {
  if (!folder['config.json']) throw new Error(`The Hugging Face files have no config.json (got ${Object.keys(folder).join(', ') || 'nothing'}).`);
  const config = json(folder['config.json'], 'config.json');
  if (config.model_type !== 'llama') {
    throw new Error(`config.json: model_type ${JSON.stringify(config.model_type)}: this page draws Llama-family blocks (RMSNorm, RoPE, SwiGLU); load a llama model, a llama2.c .bin or a GGUF.`);
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
  const tokenizer = loadTokenizerJson(new TextDecoder().decode(folder['tokenizer.json']));
  return { checkpoint: { config: llamaConfigFromHf(config), weights: safetensorsWeights(files) }, tokenizer };
}

/** The files (GGUF, llama2.c + tokenizer, or a Hugging Face folder) → checkpoint and tokenizer. */
function openFiles(files: ModelFiles): { checkpoint: Checkpoint; tokenizer: Tokenizer } {
  if (files.folder) return openHuggingFace(files.folder);
  if (!files.model) throw new Error('No model file was given.');
  if (isGguf(files.model)) {
    // NOTE: the same loader whatever the weight type: a quantized GGUF (Q4_K_M) goes through readGgufLlama too.
    const gguf = readGguf(files.model);
    const { config, weights } = readGgufLlama(gguf, files.name);
    const tokenizer = files.tokenizer ? loadLlama2cTokenizer(files.tokenizer) : loadGgufTokenizer(gguf.metadata);
    return { checkpoint: { config, weights }, tokenizer };
  }
  if (isGguf(files.tokenizer)) {
    throw new Error(`The tokenizer file is a GGUF model; load the GGUF as the model (its tokenizer is inside) or give ${files.name} its llama2.c tokenizer .bin.`);
  }
  const { config, weights } = readLlama2c(files.model, files.name);
  if (!files.tokenizer) throw new Error(`${files.name} is a llama2.c checkpoint: it needs its tokenizer file too (tok512.bin for stories260K).`);
  return { checkpoint: { config, weights }, tokenizer: loadLlama2cTokenizer(files.tokenizer) };
}

export class Session {
  readonly info: ModelInfo;
  readonly tokenizer: Tokenizer;
  readonly checkpoint: Checkpoint;
  /** The token embedding table [vocabSize, dim], row-major (host values). */
  readonly embeddings: Float32Array;
  #model: LlamaModel;
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
    this.#model = new LlamaModel(config, weights);
    this.embeddings = weights.get('model.embed_tokens.weight').data; // [vocab, dim]
    this.info = {
      name,
      dim: config.dim,
      hiddenDim: config.hiddenDim,
      layers: config.layers,
      heads: config.heads,
      kvHeads: config.kvHeads,
      headDim: config.dim / config.heads,
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
    this.#model = new LlamaModel(this.checkpoint.config, this.checkpoint.weights);
  }

  dispose(): void {
    this.#model.dispose();
  }

  /** The model (for generation). */
  get model(): LlamaModel {
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
    const { dim, headDim } = this.info;
    const input = this.hidden[layer];
    if (!input) throw new Error('Run a prompt first');
    const p = `model.layers.${layer}.`;
    const gamma = this.checkpoint.weights.get(`${p}input_layernorm.weight`);
    const wq = this.checkpoint.weights.get(`${p}self_attn.q_proj.weight`);
    const q = tidy(() => {
      const x = tensor(input.slice(index * dim, (index + 1) * dim), [1, dim]); // [1, dim]
      const normed = rmsNorm(x, tensor(gamma.data, [dim]), this.checkpoint.config.normEps);
      const all = matmul(normed, tensor(wq.data, [dim, dim]), { transposeB: true }); // [1, dim] = [1, heads * headDim]
      return slice(all, [0, head * headDim], [1, headDim]); // [1, headDim]
    });
    const values = await read(q);
    q.dispose();
    return values;
  }
}
