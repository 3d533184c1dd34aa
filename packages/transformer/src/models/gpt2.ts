/**
 * GPT-2 (Radford et al. 2019), in Hugging Face's layout:
 *
 *   x = wte(ids) + wpe(positions)                          // [batch, seq, dim]: learned absolute positions
 *   for each block:                                        // pre-LN residual blocks
 *     x = x + attention(layerNorm₁(x))                     // causal multi-head attention, biases everywhere
 *     x = x + proj(gelu_tanh(fc(layerNorm₂(x))))           // 4·dim hidden, GELU tanh approximation (gelu_new)
 *   logits = layerNorm_f(x) · wteᵀ                         // the head is tied to the token embedding
 *
 * NOTE: GPT-2's linear layers are Conv1D modules whose weights are stored [in, out]; they are transposed once
 * at load into the [out, in] layout every other layer here uses. c_attn packs q, k, v along its outputs.
 */
import { tensor, type Tensor } from '@transformer-kit/tensor';
import { TokenEmbedding } from '@transformer-kit/embedding';
import { LearnedPositionalEmbedding } from '@transformer-kit/positional';
import { KVCache, Linear, MultiHeadAttention } from '@transformer-kit/attention';
import { activationFromName, FeedForward, type Activation } from '../layers/feed-forward';
import { LayerNorm } from '../layers/layer-norm';
import { TransformerBlock } from '../layers/transformer-block';
import { expectShape, transposeHost, withPrefixes, type HostTensor, type WeightSource } from '../loaders/weight-source';
import type { CausalLM, ForwardOptions, ModelOutput } from './causal-lm';
import { contextLength, divides, positiveFinite, positiveInteger } from './config-rules';
import { runDecoderStack } from './run-decoder-stack';

/**
 * GPT-2's hyperparameters.
 *
 * @example
 * ```ts
 * import type { Gpt2Config } from '@transformer-kit/transformer';
 * const config: Gpt2Config = { dim: 768, layers: 12, heads: 12, vocabSize: 50257, maxSeqLen: 1024, hiddenDim: 3072, normEps: 1e-5, activation: 'gelu_tanh' };
 * ```
 */
export interface Gpt2Config {
  readonly dim: number;
  readonly layers: number;
  readonly heads: number;
  readonly vocabSize: number;
  /** n_positions: the learned position table's length. */
  readonly maxSeqLen: number;
  /** n_inner (default 4·dim). */
  readonly hiddenDim: number;
  readonly normEps: number;
  readonly activation: Activation;
}

/**
 * A Gpt2Config from a Hugging Face `config.json` (`model_type: "gpt2"`).
 *
 * @example
 * ```ts
 * import { gpt2ConfigFromHf } from '@transformer-kit/transformer';
 * const config = gpt2ConfigFromHf({ n_embd: 32, n_layer: 2, n_head: 4, vocab_size: 97, n_positions: 32 });
 * ```
 */
export function gpt2ConfigFromHf(json: Record<string, unknown>): Gpt2Config {
  const num = (key: string, fallback?: number): number => {
    const v = json[key];
    if (typeof v === 'number') return v;
    if (fallback !== undefined) return fallback;
    throw new Error(`config.json: gpt2 needs a number '${key}'`);
  };
  const o = 'config.json';
  const dim = positiveInteger(o, 'n_embd', num('n_embd'));
  const heads = positiveInteger(o, 'n_head', num('n_head'));
  divides(o, 'n_head', heads, 'n_embd', dim);
  return {
    dim,
    layers: positiveInteger(o, 'n_layer', num('n_layer')),
    heads,
    vocabSize: positiveInteger(o, 'vocab_size', num('vocab_size')),
    maxSeqLen: contextLength(o, json.n_positions !== undefined ? 'n_positions' : 'n_ctx', num('n_positions', num('n_ctx', 1024))),
    hiddenDim: json.n_inner === undefined || json.n_inner === null ? 4 * dim : positiveInteger(o, 'n_inner', json.n_inner),
    normEps: positiveFinite(o, 'layer_norm_epsilon', num('layer_norm_epsilon', 1e-5)),
    activation: activationFromName(typeof json.activation_function === 'string' ? json.activation_function : 'gelu_new'),
  };
}

/**
 * A GPT-2 language model.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { readSafetensors, tensor } from '@transformer-kit/tensor';
 * import { Gpt2Model, gpt2ConfigFromHf, safetensorsWeights } from '@transformer-kit/transformer';
 * const dir = '../shared/fixtures/models/gpt2-tiny/'; // a random GPT-2 in Hugging Face's layout
 * const model = new Gpt2Model(
 *   gpt2ConfigFromHf(JSON.parse(readFileSync(dir + 'config.json', 'utf8'))),
 *   safetensorsWeights({ 'model.safetensors': readFileSync(dir + 'model.safetensors') }),
 * );
 * const expected = readSafetensors(readFileSync(dir + 'expected.safetensors')); // Hugging Face's own output
 * const { logits } = model.forward(tensor(expected.read('input_ids'), [1, 8], 'int32')); // [batch, seq, vocab]
 * const want = expected.read('logits');
 * console.log(logits.shape, (await logits.data()).every((v, i) => Math.abs(v - want[i]) <= 1e-4 + 1e-4 * Math.abs(want[i]))); // [ 1, 8, 97 ] true
 * ```
 */
export class Gpt2Model implements CausalLM {
  readonly family = 'gpt2';
  readonly vocabSize: number;
  readonly maxSeqLen: number;
  readonly layers: number;
  readonly heads: number;
  readonly #wte: TokenEmbedding; // [vocab, dim]
  readonly #wpe: LearnedPositionalEmbedding; // [maxSeqLen, dim]
  readonly #blocks: TransformerBlock[] = [];
  readonly #lnF: LayerNorm;

  constructor(
    readonly config: Gpt2Config,
    source: WeightSource,
  ) {
    const { dim, heads, hiddenDim, vocabSize, maxSeqLen, normEps } = config;
    this.vocabSize = vocabSize;
    this.maxSeqLen = maxSeqLen;
    this.layers = config.layers;
    this.heads = heads;
    const weights = withPrefixes(source, ['transformer.']);
    const load = (name: string, shape: number[], conv1d = false): Tensor => {
      let t: HostTensor = weights.get(name);
      if (conv1d) t = transposeHost(expectShape(name, t, [shape[1], shape[0]])); // Conv1D [in, out] → [out, in]
      return tensor(expectShape(name, t, shape).data, shape);
    };
    this.#wte = new TokenEmbedding(load('wte.weight', [vocabSize, dim]));
    this.#wpe = new LearnedPositionalEmbedding(load('wpe.weight', [maxSeqLen, dim]));
    for (let l = 0; l < config.layers; l++) {
      const p = `h.${l}.`;
      const norm = (name: string) => new LayerNorm(load(`${p}${name}.weight`, [dim]), load(`${p}${name}.bias`, [dim]), normEps);
      const selfAttention = MultiHeadAttention.fromPackedWeights(
        { dim, heads },
        {
          inProjWeight: load(`${p}attn.c_attn.weight`, [3 * dim, dim], true), // rows [Wq; Wk; Wv]
          inProjBias: load(`${p}attn.c_attn.bias`, [3 * dim]),
          outProjWeight: load(`${p}attn.c_proj.weight`, [dim, dim], true),
          outProjBias: load(`${p}attn.c_proj.bias`, [dim]),
        },
      );
      const feedForward = new FeedForward(
        {
          up: new Linear(load(`${p}mlp.c_fc.weight`, [hiddenDim, dim], true), load(`${p}mlp.c_fc.bias`, [hiddenDim])),
          down: new Linear(load(`${p}mlp.c_proj.weight`, [dim, hiddenDim], true), load(`${p}mlp.c_proj.bias`, [dim])),
        },
        config.activation,
      );
      this.#blocks.push(new TransformerBlock({ placement: 'pre', selfAttention, selfAttentionNorm: norm('ln_1'), feedForward, feedForwardNorm: norm('ln_2') }));
    }
    this.#lnF = new LayerNorm(load('ln_f.weight', [dim]), load('ln_f.bias', [dim]), normEps);
  }

  createCache(maxLength = this.maxSeqLen): KVCache {
    return new KVCache({ layers: this.layers, kvHeads: this.heads, headDim: this.config.dim / this.heads, maxLength: Math.min(maxLength, this.maxSeqLen) });
  }

  forward(ids: Tensor, options: ForwardOptions = {}): ModelOutput {
    return runDecoderStack(this.#blocks, ids, options, this.maxSeqLen, {
      // [batch, seq, dim]: token rows plus the learned rows of positions offset..offset+seq
      embed: (ids, offset) => this.#wpe.add(this.#wte.forward(ids), offset),
      finalNorm: this.#lnF,
      head: (x) => this.#wte.project(x), // tied: [batch, seq, dim] · [vocab, dim]ᵀ → [batch, seq, vocab]
    });
  }

  dispose(): void {
    this.#wte.dispose();
    this.#wpe.dispose();
    for (const b of this.#blocks) b.dispose();
    this.#lnF.dispose();
  }
}
