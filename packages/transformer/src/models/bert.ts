/**
 * BERT (Devlin et al. 2019), the encoder-only family, in Hugging Face's layout:
 *
 *   x = layerNorm(word(ids) + position(0..seq) + tokenType(types))   // [batch, seq, dim]
 *   for each layer:                                                  // post-LN residual blocks
 *     x = layerNorm(x + attention(x, padding mask))                  // bidirectional: no causal mask
 *     x = layerNorm(x + down(gelu(up(x))))
 *   last_hidden_state = x;  pooler_output = tanh(dense(x[:, 0]))     // the [CLS] position, when a pooler exists
 *
 * The padding mask hides padded keys from every query; padded query rows are still computed (and are
 * whatever they are: callers ignore them, as in PyTorch).
 */
import { add, castTo, logicalNot, tanh, tensor, tidy, zeros, type Tensor } from '@transformer-kit/tensor';
import { clsPool, TokenEmbedding, TokenTypeEmbedding } from '@transformer-kit/embedding';
import { LearnedPositionalEmbedding } from '@transformer-kit/positional';
import { Linear, MultiHeadAttention } from '@transformer-kit/attention';
import { activationFromName, FeedForward, type Activation } from '../layers/feed-forward';
import { LayerNorm } from '../layers/layer-norm';
import { TransformerBlock } from '../layers/transformer-block';
import { expectShape, withPrefixes, type WeightSource } from '../loaders/weight-source';
import { contextLength, divides, positiveFinite, positiveInteger } from './config-rules';

/**
 * BERT's hyperparameters.
 *
 * @example
 * ```ts
 * import type { BertConfig } from '@transformer-kit/transformer';
 * const config: BertConfig = { dim: 768, layers: 12, heads: 12, hiddenDim: 3072, vocabSize: 30522, maxSeqLen: 512, typeVocabSize: 2, normEps: 1e-12, activation: 'gelu' };
 * ```
 */
export interface BertConfig {
  readonly dim: number;
  readonly layers: number;
  readonly heads: number;
  readonly hiddenDim: number;
  readonly vocabSize: number;
  readonly maxSeqLen: number;
  readonly typeVocabSize: number;
  readonly normEps: number;
  readonly activation: Activation;
}

/**
 * A BertConfig from a Hugging Face `config.json` (`model_type: "bert"`).
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { bertConfigFromHf } from '@transformer-kit/transformer';
 * const config = bertConfigFromHf(JSON.parse(readFileSync('../shared/fixtures/models/bert-tiny/config.json', 'utf8')));
 * console.log(config.dim, config.layers, config.heads, config.normEps, config.activation); // 32 2 4 1e-12 gelu
 * ```
 */
export function bertConfigFromHf(json: Record<string, unknown>): BertConfig {
  const num = (key: string, fallback?: number): number => {
    const v = json[key];
    if (typeof v === 'number') return v;
    if (fallback !== undefined) return fallback;
    throw new Error(`config.json: bert needs a number '${key}'`);
  };
  if (json.position_embedding_type !== undefined && json.position_embedding_type !== 'absolute') {
    throw new Error(`config.json: position_embedding_type '${String(json.position_embedding_type)}' is not supported (only 'absolute')`);
  }
  const o = 'config.json';
  const dim = positiveInteger(o, 'hidden_size', num('hidden_size'));
  const heads = positiveInteger(o, 'num_attention_heads', num('num_attention_heads'));
  divides(o, 'num_attention_heads', heads, 'hidden_size', dim);
  return {
    dim,
    layers: positiveInteger(o, 'num_hidden_layers', num('num_hidden_layers')),
    heads,
    hiddenDim: positiveInteger(o, 'intermediate_size', num('intermediate_size')),
    vocabSize: positiveInteger(o, 'vocab_size', num('vocab_size')),
    maxSeqLen: contextLength(o, 'max_position_embeddings', num('max_position_embeddings', 512)),
    typeVocabSize: positiveInteger(o, 'type_vocab_size', num('type_vocab_size', 2)),
    normEps: positiveFinite(o, 'layer_norm_eps', num('layer_norm_eps', 1e-12)),
    activation: activationFromName(typeof json.hidden_act === 'string' ? json.hidden_act : 'gelu'),
  };
}

/** Inputs besides the ids. */
export interface BertForwardOptions {
  /** int32 [batch, seq], segment A = 0 / B = 1. Default all 0. */
  readonly tokenTypeIds?: Tensor;
  /** [batch, seq], 1 = token, 0 = padding. Default all 1. */
  readonly attentionMask?: Tensor;
  readonly outputAttentions?: boolean;
  readonly outputHiddenStates?: boolean;
}

/** BERT's outputs; the caller owns the tensors. */
export interface BertOutput {
  /** [batch, seq, dim] */
  readonly lastHiddenState: Tensor;
  /** [batch, dim]: tanh(dense(hidden[:, 0])), when the checkpoint has a pooler. */
  readonly poolerOutput?: Tensor;
  /** Per layer [batch, heads, seq, seq]. */
  readonly attentions?: Tensor[];
  /** layers + 1 entries: the embeddings' output, then each layer's. */
  readonly hiddenStates?: Tensor[];
}

/**
 * A BERT encoder.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { tensor } from '@transformer-kit/tensor';
 * import { BertModel, bertConfigFromHf, safetensorsWeights } from '@transformer-kit/transformer';
 * const dir = '../shared/fixtures/models/bert-tiny/'; // a random BERT in Hugging Face's layout
 * const bert = new BertModel(
 *   bertConfigFromHf(JSON.parse(readFileSync(dir + 'config.json', 'utf8'))),
 *   safetensorsWeights({ 'model.safetensors': readFileSync(dir + 'model.safetensors') }),
 * );
 * const ids = tensor([2, 5, 7, 3, 0], [1, 5], 'int32');
 * const attentionMask = tensor([1, 1, 1, 1, 0], [1, 5], 'int32'); // the last position is padding
 * const { lastHiddenState } = bert.forward(ids, { attentionMask });
 * console.log(lastHiddenState.shape); // [ 1, 5, 32 ]: [batch, seq, dim]
 * ```
 */
export class BertModel {
  readonly family = 'bert';
  readonly #word: TokenEmbedding;
  readonly #position: LearnedPositionalEmbedding;
  readonly #tokenType: TokenTypeEmbedding;
  readonly #embeddingNorm: LayerNorm;
  readonly #layers: TransformerBlock[] = [];
  readonly #pooler: Linear | null;

  constructor(
    readonly config: BertConfig,
    source: WeightSource,
  ) {
    const { dim, heads, hiddenDim, normEps } = config;
    const w = withPrefixes(source, ['bert.']);
    const load = (name: string, shape: number[]) => tensor(expectShape(name, w.get(name), shape).data, shape);
    const norm = (p: string) => new LayerNorm(load(`${p}.weight`, [dim]), load(`${p}.bias`, [dim]), normEps);
    const linear = (p: string, out: number, inp: number) => new Linear(load(`${p}.weight`, [out, inp]), load(`${p}.bias`, [out]));
    this.#word = new TokenEmbedding(load('embeddings.word_embeddings.weight', [config.vocabSize, dim]));
    this.#position = new LearnedPositionalEmbedding(load('embeddings.position_embeddings.weight', [config.maxSeqLen, dim]));
    this.#tokenType = new TokenTypeEmbedding(load('embeddings.token_type_embeddings.weight', [config.typeVocabSize, dim]));
    this.#embeddingNorm = norm('embeddings.LayerNorm');
    for (let l = 0; l < config.layers; l++) {
      const p = `encoder.layer.${l}.`;
      const selfAttention = new MultiHeadAttention(
        { dim, heads },
        {
          q: linear(`${p}attention.self.query`, dim, dim), // [dim, dim] + [dim]
          k: linear(`${p}attention.self.key`, dim, dim),
          v: linear(`${p}attention.self.value`, dim, dim),
          o: linear(`${p}attention.output.dense`, dim, dim),
        },
      );
      const feedForward = new FeedForward(
        { up: linear(`${p}intermediate.dense`, hiddenDim, dim), down: linear(`${p}output.dense`, dim, hiddenDim) },
        config.activation,
      );
      this.#layers.push(
        new TransformerBlock({
          placement: 'post',
          selfAttention,
          selfAttentionNorm: norm(`${p}attention.output.LayerNorm`),
          feedForward,
          feedForwardNorm: norm(`${p}output.LayerNorm`),
        }),
      );
    }
    this.#pooler = w.has('pooler.dense.weight') ? linear('pooler.dense', dim, dim) : null;
  }

  /** ids int32 [batch, seq] → hidden states [batch, seq, dim]. */
  forward(ids: Tensor, options: BertForwardOptions = {}): BertOutput {
    if (ids.rank !== 2 || ids.dtype !== 'int32') throw new RangeError(`bert: ids must be int32 [batch, seq], got ${ids.dtype} [${ids.shape.join(', ')}]`);
    const [batch, seq] = ids.shape;
    if (seq > this.config.maxSeqLen) throw new RangeError(`bert: ${seq} positions exceed the model's ${this.config.maxSeqLen} position embeddings`);
    for (const [name, t] of [['tokenTypeIds', options.tokenTypeIds], ['attentionMask', options.attentionMask]] as const) {
      if (t && (t.rank !== 2 || t.shape[0] !== batch || t.shape[1] !== seq)) {
        throw new RangeError(`bert: ${name} [${t.shape.join(', ')}] does not match ids [${batch}, ${seq}]`);
      }
    }
    return tidy(() => {
      const types = options.tokenTypeIds ?? zeros([batch, seq], 'int32');
      // [batch, seq, dim]: word + learned position (0..seq) + segment
      const summed = add(this.#position.add(this.#word.forward(ids)), this.#tokenType.forward(types));
      let x = this.#embeddingNorm.forward(summed);
      // [batch, seq] 1 = token → bool [batch, 1, 1, seq], true = hidden key.
      const mask = options.attentionMask ? logicalNot(castTo(options.attentionMask, 'bool')).reshape([batch, 1, 1, seq]) : undefined;
      const hiddenStates = options.outputHiddenStates ? [x] : undefined;
      const attentions: Tensor[] | undefined = options.outputAttentions ? [] : undefined;
      for (const layer of this.#layers) {
        const out = layer.forward(x, { mask, returnWeights: attentions !== undefined });
        x = out.output;
        hiddenStates?.push(x);
        attentions?.push(out.selfWeights!);
      }
      let poolerOutput: Tensor | undefined;
      if (this.#pooler) {
        poolerOutput = tanh(this.#pooler.forward(clsPool(x))); // [batch, dim] from the [CLS] position
      }
      return { lastHiddenState: x, poolerOutput, attentions, hiddenStates };
    });
  }

  /** Frees the weights. */
  dispose(): void {
    for (const t of [this.#word, this.#position, this.#tokenType]) t.dispose();
    this.#embeddingNorm.dispose();
    for (const l of this.#layers) l.dispose();
    this.#pooler?.dispose();
  }
}
