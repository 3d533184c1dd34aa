/**
 * One runner per fixture `kind` (the `kind` in a safetensors fixture's `__metadata__.config`): each builds the
 * project's implementation from the `weight.*` tensors, feeds the `input.*` tensors and compares with
 * `expected.*`. An unknown kind is a failure, never a silent skip.
 */
import { MultiHeadAttention, keyPaddingMask } from '@transformer-kit/attention';
import { alibiBias, alibiSlopes, RotaryEmbedding, sinusoidalTable } from '@transformer-kit/positional';
import { castTo, logicalOr, tensor, type SafetensorsFile, type Tensor } from '@transformer-kit/tensor';
import { EncoderDecoderModel, safetensorsWeights, torchEncoderLayer, withPrefixes } from '@transformer-kit/transformer';
import { compare, type Comparison } from './compare';

type Config = Record<string, unknown> & { kind?: string };
export type Runner = (file: SafetensorsFile, bytes: Uint8Array, config: Config, tol: number) => Promise<Comparison[]>;

const num = (c: Config, key: string) => c[key] as number;
const read = async (t: Tensor) => (await t.data()) as Float32Array;
const bool = (file: SafetensorsFile, name: string) => castTo(file.tensor(name), 'bool');

const torchMha: Runner = async (file, _bytes, c, tol) => {
  const has = (n: string) => file.entry(n) !== undefined;
  const mha = MultiHeadAttention.fromPackedWeights(
    { dim: num(c, 'embed_dim'), heads: num(c, 'num_heads') },
    {
      inProjWeight: file.tensor('weight.in_proj_weight'),
      inProjBias: has('weight.in_proj_bias') ? file.tensor('weight.in_proj_bias') : undefined,
      outProjWeight: file.tensor('weight.out_proj.weight'),
      outProjBias: has('weight.out_proj.bias') ? file.tensor('weight.out_proj.bias') : undefined,
    },
  );
  const masks: Tensor[] = [];
  if (has('input.attn_mask')) masks.push(bool(file, 'input.attn_mask')); // [T, S], true = not allowed
  if (has('input.key_padding_mask')) masks.push(keyPaddingMask(bool(file, 'input.key_padding_mask'))); // [B, 1, 1, S]
  const mask = masks.length === 2 ? logicalOr(masks[0], masks[1]) : masks[0];
  const { output, weights } = mha.forward(file.tensor('input.query'), file.tensor('input.key_value'), { mask, returnWeights: true });
  return [compare('output', await read(output), file.read('expected.output'), tol), compare('weights', await read(weights!), file.read('expected.weights'), tol)];
};

const gqa: Runner = async (file, _bytes, c, tol) => {
  const mha = new MultiHeadAttention(
    { dim: num(c, 'embed_dim'), heads: num(c, 'num_heads'), kvHeads: num(c, 'num_kv_heads'), headDim: num(c, 'head_dim') },
    { q: { weight: file.tensor('weight.wq') }, k: { weight: file.tensor('weight.wk') }, v: { weight: file.tensor('weight.wv') }, o: { weight: file.tensor('weight.wo') } },
  );
  const { output, weights } = mha.forward(file.tensor('input.x'), undefined, { causal: c.causal === true, returnWeights: true });
  return [compare('output', await read(output), file.read('expected.output'), tol), compare('weights', await read(weights!), file.read('expected.weights'), tol)];
};

const encoderLayer: Runner = async (file, bytes, c, tol) => {
  const weights = withPrefixes(safetensorsWeights({ fixture: bytes }), ['weight.']);
  const layer = torchEncoderLayer(weights, '', {
    dim: num(c, 'd_model'), heads: num(c, 'nhead'), hiddenDim: num(c, 'dim_feedforward'), activation: c.activation as string, normFirst: c.norm_first === true, eps: num(c, 'layer_norm_eps'),
  });
  const x = file.tensor('input.x');
  const [batch, seq] = x.shape;
  const masks: Tensor[] = [];
  if (file.entry('input.src_mask')) masks.push(bool(file, 'input.src_mask'));
  if (file.entry('input.key_padding_mask')) masks.push(bool(file, 'input.key_padding_mask').reshape([batch, 1, 1, seq]));
  const mask = masks.length === 2 ? logicalOr(masks[0], masks[1]) : masks[0];
  const { output } = layer.forward(x, { mask });
  return [compare('output', await read(output), file.read('expected.output'), tol)];
};

const encoderDecoder: Runner = async (file, bytes, c, tol) => {
  const weights = withPrefixes(safetensorsWeights({ fixture: bytes }), ['weight.']);
  const model = new EncoderDecoderModel(
    {
      dim: num(c, 'd_model'), heads: num(c, 'nhead'), hiddenDim: num(c, 'dim_feedforward'), activation: c.activation as string, normFirst: c.norm_first === true,
      eps: num(c, 'layer_norm_eps'), encoderLayers: num(c, 'num_encoder_layers'), decoderLayers: num(c, 'num_decoder_layers'), vocabSize: num(c, 'vocab_size'),
    },
    weights,
  );
  const ids = (n: string) => tensor(file.read(n), file.entry(n)!.shape, 'int32');
  const { logits } = model.forward(ids('input.src_ids'), ids('input.tgt_ids'));
  return [compare('logits', await read(logits), file.read('expected.logits'), tol)];
};

const rotary: Runner = async (file, _bytes, c, tol) => {
  const layout = c.layout === 'half' || c.layout === 'halves' ? 'halves' : 'interleaved';
  const rope = new RotaryEmbedding({ headDim: num(c, 'head_dim'), theta: num(c, 'theta'), layout });
  const out = rope.apply(file.tensor('input.x'), num(c, 'position_offset') ?? 0);
  return [compare('output', await read(out), file.read('expected.output'), tol)];
};

const sinusoidal: Runner = async (file, _bytes, c, tol) => [
  compare('table', await read(sinusoidalTable(num(c, 'max_len'), num(c, 'dim'))), file.read('expected.table'), tol),
];

const alibi: Runner = async (file, _bytes, c, tol) => [
  compare('slopes', alibiSlopes(num(c, 'num_heads')), file.read('expected.slopes'), tol),
  compare('bias', await read(alibiBias(num(c, 'num_heads'), num(c, 'seq_len'))), file.read('expected.bias'), tol),
];

/** The runner of a fixture kind, or undefined for a kind this project does not know. */
export function runnerFor(kind: string): Runner | undefined {
  if (kind === 'torch.nn.MultiheadAttention') return torchMha;
  if (kind === 'grouped-query attention') return gqa;
  if (kind === 'torch.nn.TransformerEncoderLayer') return encoderLayer;
  if (kind.startsWith('encoder-decoder transformer')) return encoderDecoder;
  if (kind === 'rotary position embedding') return rotary;
  if (kind.startsWith('sinusoidal')) return sinusoidal;
  if (kind === 'ALiBi') return alibi;
  return undefined;
}
