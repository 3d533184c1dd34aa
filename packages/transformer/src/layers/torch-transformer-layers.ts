/**
 * Blocks built from PyTorch's `torch.nn.TransformerEncoderLayer` / `TransformerDecoderLayer` state dicts
 * (packed `in_proj_weight`, `linear1`/`linear2`, `norm1..3`), with their `norm_first` switch: post-LN
 * (Vaswani et al.) when false, pre-LN when true.
 */
import { tensor } from '@transformer-kit/tensor';
import { Linear, MultiHeadAttention } from '@transformer-kit/attention';
import { activationFromName, FeedForward } from './feed-forward';
import { LayerNorm } from './layer-norm';
import { TransformerBlock } from './transformer-block';
import { expectShape, type WeightSource } from '../loaders/weight-source';

/** The hyperparameters PyTorch's transformer layers take. */
export interface TorchLayerConfig {
  /** d_model */
  readonly dim: number;
  /** nhead */
  readonly heads: number;
  /** dim_feedforward */
  readonly hiddenDim: number;
  /** 'relu' | 'gelu' (PyTorch's gelu is exact). */
  readonly activation: string;
  /** norm_first: pre-LN when true. */
  readonly normFirst: boolean;
  /** layer_norm_eps */
  readonly eps: number;
}

function loader(weights: WeightSource, prefix: string) {
  return (name: string, shape: number[]) => tensor(expectShape(prefix + name, weights.get(prefix + name), shape).data, shape);
}

function attention(weights: WeightSource, prefix: string, c: TorchLayerConfig) {
  const load = loader(weights, prefix);
  return MultiHeadAttention.fromPackedWeights(
    { dim: c.dim, heads: c.heads },
    {
      inProjWeight: load('in_proj_weight', [3 * c.dim, c.dim]), // rows [Wq; Wk; Wv]
      inProjBias: load('in_proj_bias', [3 * c.dim]),
      outProjWeight: load('out_proj.weight', [c.dim, c.dim]),
      outProjBias: load('out_proj.bias', [c.dim]),
    },
  );
}

function parts(weights: WeightSource, prefix: string, c: TorchLayerConfig) {
  const load = loader(weights, prefix);
  const norm = (name: string) => new LayerNorm(load(`${name}.weight`, [c.dim]), load(`${name}.bias`, [c.dim]), c.eps);
  const feedForward = new FeedForward(
    {
      up: new Linear(load('linear1.weight', [c.hiddenDim, c.dim]), load('linear1.bias', [c.hiddenDim])),
      down: new Linear(load('linear2.weight', [c.dim, c.hiddenDim]), load('linear2.bias', [c.dim])),
    },
    activationFromName(c.activation),
  );
  return { norm, feedForward };
}

/**
 * A TransformerBlock from a `torch.nn.TransformerEncoderLayer` state dict (names under `prefix`).
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { readSafetensors, logicalOr, sub, abs, max } from '@transformer-kit/tensor';
 * import { safetensorsWeights, torchEncoderLayer } from '@transformer-kit/transformer';
 * // a torch.nn.TransformerEncoderLayer(16, 4, 32) state dict (names 'weight.<torch name>'), its input and output
 * const bytes = readFileSync('../shared/fixtures/layers/encoder-postln-relu.safetensors');
 * const layer = torchEncoderLayer(safetensorsWeights({ 'layer.safetensors': bytes }), 'weight.', {
 *   dim: 16, heads: 4, hiddenDim: 32, activation: 'relu', normFirst: false, eps: 1e-5,
 * });
 * const file = readSafetensors(bytes);
 * const padding = file.tensor('input.key_padding_mask').reshape([2, 1, 1, 5]); // [batch, 1, 1, seq], true = padded
 * const mask = logicalOr(file.tensor('input.src_mask'), padding); // [batch, 1, seq, seq]
 * const { output } = layer.forward(file.tensor('input.x'), { mask }); // [batch, seq, 16]
 * console.log(max(abs(sub(output, file.tensor('expected.output')))).dataSync()[0] < 1e-4); // true: PyTorch's output
 * ```
 */
export function torchEncoderLayer(weights: WeightSource, prefix: string, config: TorchLayerConfig): TransformerBlock {
  const { norm, feedForward } = parts(weights, prefix, config);
  return new TransformerBlock({
    placement: config.normFirst ? 'pre' : 'post',
    selfAttention: attention(weights, `${prefix}self_attn.`, config),
    selfAttentionNorm: norm('norm1'),
    feedForward,
    feedForwardNorm: norm('norm2'),
  });
}

/**
 * A TransformerBlock with cross-attention from a `torch.nn.TransformerDecoderLayer` state dict.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { randomNormal } from '@transformer-kit/tensor';
 * import { safetensorsWeights, torchDecoderLayer } from '@transformer-kit/transformer';
 * // decoder layer 0 of a torch.nn.Transformer(d_model=16, nhead=4, dim_feedforward=32) state dict
 * const weights = safetensorsWeights({ 'model.safetensors': readFileSync('../shared/fixtures/layers/vaswani-encoder-decoder.safetensors') });
 * const layer = torchDecoderLayer(weights, 'weight.transformer.decoder.layers.0.', {
 *   dim: 16, heads: 4, hiddenDim: 32, activation: 'relu', normFirst: false, eps: 1e-5,
 * });
 * const memory = randomNormal([1, 7, 16], 0, 1, { seed: 1 }); // the encoder's output [batch, srcSeq, dim]
 * const y = randomNormal([1, 5, 16], 0, 1, { seed: 2 }); // [batch, tgtSeq, dim]
 * const { output } = layer.forward(y, { causal: true, memory });
 * console.log(output.shape); // [ 1, 5, 16 ]
 * ```
 */
export function torchDecoderLayer(weights: WeightSource, prefix: string, config: TorchLayerConfig): TransformerBlock {
  const { norm, feedForward } = parts(weights, prefix, config);
  return new TransformerBlock({
    placement: config.normFirst ? 'pre' : 'post',
    selfAttention: attention(weights, `${prefix}self_attn.`, config),
    selfAttentionNorm: norm('norm1'),
    crossAttention: attention(weights, `${prefix}multihead_attn.`, config),
    crossAttentionNorm: norm('norm2'),
    feedForward,
    feedForwardNorm: norm('norm3'),
  });
}
