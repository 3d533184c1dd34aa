/**
 * The original Transformer (Vaswani et al. 2017, "Attention Is All You Need"), on PyTorch's
 * `torch.nn.Transformer` state dict:
 *
 *   src = srcEmbed(srcIds)·√d + sinusoidal(positions)        // [batch, srcSeq, dim]
 *   memory = encoderNorm(encoderLayers(src))                  // post-LN blocks, bidirectional self-attention
 *   tgt = tgtEmbed(tgtIds)·√d + sinusoidal(positions)         // [batch, tgtSeq, dim]
 *   y = decoderNorm(decoderLayers(tgt, memory))               // causal self-attention, then cross-attention
 *   logits = generator(y)                                     // [batch, tgtSeq, vocab]
 *
 * Cross-attention is where the decoder reads the source: its queries come from the target, its keys and
 * values from the encoder's output.
 */
import { castTo, logicalNot, tensor, tidy, type Tensor } from '@transformer-kit/tensor';
import { TokenEmbedding } from '@transformer-kit/embedding';
import { addSinusoidal } from '@transformer-kit/positional';
import { Linear } from '@transformer-kit/attention';
import { LayerNorm } from '../layers/layer-norm';
import { torchDecoderLayer, torchEncoderLayer, type TorchLayerConfig } from '../layers/torch-transformer-layers';
import type { TransformerBlock } from '../layers/transformer-block';
import { expectShape, type WeightSource } from '../loaders/weight-source';

/**
 * The encoder-decoder's hyperparameters (PyTorch's names in comments).
 *
 * @example
 * ```ts
 * import type { EncoderDecoderConfig } from '@transformer-kit/transformer';
 * const config: EncoderDecoderConfig = { dim: 16, heads: 4, hiddenDim: 32, activation: 'relu', normFirst: false, eps: 1e-5, encoderLayers: 2, decoderLayers: 2, vocabSize: 23 };
 * ```
 */
export interface EncoderDecoderConfig extends TorchLayerConfig {
  /** num_encoder_layers */
  readonly encoderLayers: number;
  /** num_decoder_layers */
  readonly decoderLayers: number;
  /** Shared by source and target vocabularies here. */
  readonly vocabSize: number;
}

/** Options of {@link EncoderDecoderModel.forward}. */
export interface EncoderDecoderForwardOptions {
  /** [batch, srcSeq], 1 = token, 0 = padding: hides padded source positions from encoder and cross-attention. */
  readonly srcAttentionMask?: Tensor;
  /** Return cross-attention weights per decoder layer [batch, heads, tgtSeq, srcSeq]. */
  readonly outputAttentions?: boolean;
}

/** Logits and, when asked for, the attention weights of every layer. */
export interface EncoderDecoderOutput {
  readonly logits: Tensor;
  readonly encoderAttentions?: Tensor[];
  readonly decoderAttentions?: Tensor[];
  readonly crossAttentions?: Tensor[];
}

/**
 * The Vaswani et al. encoder-decoder.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { readSafetensors, tensor } from '@transformer-kit/tensor';
 * import { EncoderDecoderModel, safetensorsWeights, withPrefixes } from '@transformer-kit/transformer';
 * // a torch.nn.Transformer with embeddings and a generator, state dict names under 'weight.'
 * const bytes = readFileSync('../shared/fixtures/layers/vaswani-encoder-decoder.safetensors');
 * const weights = withPrefixes(safetensorsWeights({ 'model.safetensors': bytes }), ['weight.']);
 * const model = new EncoderDecoderModel(
 *   { dim: 16, heads: 4, hiddenDim: 32, activation: 'relu', normFirst: false, eps: 1e-5, encoderLayers: 2, decoderLayers: 2, vocabSize: 23 },
 *   weights, // 'src_embedding.weight', 'transformer.encoder.layers.0...', 'generator.weight', ...
 * );
 * const srcIds = tensor([3, 7, 9, 2], [1, 4], 'int32');
 * const tgtIds = tensor([1, 5, 6], [1, 3], 'int32');
 * const { logits } = model.forward(srcIds, tgtIds);
 * console.log(logits.shape); // [ 1, 3, 23 ]: [batch, tgtSeq, vocab]
 * ```
 */
export class EncoderDecoderModel {
  readonly family = 'encoder-decoder';
  readonly #srcEmbedding: TokenEmbedding;
  readonly #tgtEmbedding: TokenEmbedding;
  readonly #encoder: TransformerBlock[] = [];
  readonly #decoder: TransformerBlock[] = [];
  readonly #encoderNorm: LayerNorm;
  readonly #decoderNorm: LayerNorm;
  readonly #generator: Linear;

  constructor(
    readonly config: EncoderDecoderConfig,
    weights: WeightSource,
  ) {
    const { dim, vocabSize } = config;
    const load = (name: string, shape: number[]) => tensor(expectShape(name, weights.get(name), shape).data, shape);
    // NOTE: the √d scale makes the embeddings' magnitude comparable to the ±1 sinusoids (section 3.4).
    this.#srcEmbedding = new TokenEmbedding(load('src_embedding.weight', [vocabSize, dim]), { scale: true });
    this.#tgtEmbedding = new TokenEmbedding(load('tgt_embedding.weight', [vocabSize, dim]), { scale: true });
    for (let l = 0; l < config.encoderLayers; l++) this.#encoder.push(torchEncoderLayer(weights, `transformer.encoder.layers.${l}.`, config));
    for (let l = 0; l < config.decoderLayers; l++) this.#decoder.push(torchDecoderLayer(weights, `transformer.decoder.layers.${l}.`, config));
    const norm = (p: string) => new LayerNorm(load(`${p}.weight`, [dim]), load(`${p}.bias`, [dim]), config.eps);
    this.#encoderNorm = norm('transformer.encoder.norm');
    this.#decoderNorm = norm('transformer.decoder.norm');
    this.#generator = new Linear(load('generator.weight', [vocabSize, dim]), load('generator.bias', [vocabSize]));
  }

  /** Token embedding scaled by √dim plus sinusoidal positions: [batch, seq] → [batch, seq, dim]. */
  private embed(table: TokenEmbedding, ids: Tensor): Tensor {
    if (ids.rank !== 2 || ids.dtype !== 'int32') throw new RangeError(`encoder-decoder: ids must be int32 [batch, seq], got ${ids.dtype} [${ids.shape.join(', ')}]`);
    return addSinusoidal(table.forward(ids)); // [batch, seq, dim]
  }

  /** srcIds int32 [batch, srcSeq] → memory [batch, srcSeq, dim]. */
  encode(srcIds: Tensor, options: EncoderDecoderForwardOptions = {}): Tensor {
    return tidy(() => this.runEncoder(srcIds, this.paddingMask(srcIds, options.srcAttentionMask), undefined));
  }

  /** Source and target ids → logits [batch, tgtSeq, vocab] (teacher forcing: the decoder sees tgtIds, causally). */
  forward(srcIds: Tensor, tgtIds: Tensor, options: EncoderDecoderForwardOptions = {}): EncoderDecoderOutput {
    return tidy(() => {
      const mask = this.paddingMask(srcIds, options.srcAttentionMask);
      const want = options.outputAttentions ?? false;
      const encoderAttentions: Tensor[] | undefined = want ? [] : undefined;
      const memory = this.runEncoder(srcIds, mask, encoderAttentions);
      let y = this.embed(this.#tgtEmbedding, tgtIds); // [batch, tgtSeq, dim]
      const decoderAttentions: Tensor[] | undefined = want ? [] : undefined;
      const crossAttentions: Tensor[] | undefined = want ? [] : undefined;
      for (const layer of this.#decoder) {
        const out = layer.forward(y, { causal: true, memory, memoryMask: mask, returnWeights: want });
        y = out.output;
        decoderAttentions?.push(out.selfWeights!);
        crossAttentions?.push(out.crossWeights!);
      }
      const logits = this.#generator.forward(this.#decoderNorm.forward(y)); // [batch, tgtSeq, vocab]
      return { logits, encoderAttentions, decoderAttentions, crossAttentions };
    });
  }

  private paddingMask(srcIds: Tensor, attentionMask: Tensor | undefined): Tensor | undefined {
    if (!attentionMask) return undefined;
    const [batch, seq] = srcIds.shape;
    if (attentionMask.rank !== 2 || attentionMask.shape[0] !== batch || attentionMask.shape[1] !== seq) {
      throw new RangeError(`encoder-decoder: srcAttentionMask [${attentionMask.shape.join(', ')}] does not match srcIds [${batch}, ${seq}]`);
    }
    return logicalNot(castTo(attentionMask, 'bool')).reshape([batch, 1, 1, seq]); // true = hidden source position
  }

  private runEncoder(srcIds: Tensor, mask: Tensor | undefined, attentions: Tensor[] | undefined): Tensor {
    let x = this.embed(this.#srcEmbedding, srcIds); // [batch, srcSeq, dim]
    for (const layer of this.#encoder) {
      const out = layer.forward(x, { mask, returnWeights: attentions !== undefined });
      x = out.output;
      attentions?.push(out.selfWeights!);
    }
    return this.#encoderNorm.forward(x);
  }

  /** Frees the weights. */
  dispose(): void {
    this.#srcEmbedding.dispose();
    this.#tgtEmbedding.dispose();
    for (const l of [...this.#encoder, ...this.#decoder]) l.dispose();
    this.#encoderNorm.dispose();
    this.#decoderNorm.dispose();
    this.#generator.dispose();
  }
}
