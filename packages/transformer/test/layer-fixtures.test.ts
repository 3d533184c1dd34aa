import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { logicalOr, readSafetensors, tensor, type Tensor } from '@transformer-kit/tensor';
import { EncoderDecoderModel, safetensorsWeights, torchEncoderLayer, withPrefixes } from '../src/index';
import { expectClose } from './close';
import { haveShared, shared } from './shared-data';

const fixture = (name: string) => {
  const path = shared(`fixtures/layers/${name}.safetensors`).path;
  const bytes = readFileSync(path);
  const file = readSafetensors(bytes);
  const weights = withPrefixes(safetensorsWeights({ [`${name}.safetensors`]: bytes }), ['weight.']);
  return { file, weights, config: JSON.parse(file.metadata.config) };
};

describe.each(['encoder-postln-relu', 'encoder-preln-gelu'])('torch.nn.TransformerEncoderLayer %s', (name) => {
  it.runIf(haveShared(`fixtures/layers/${name}.safetensors`))('matches with a src_mask and a key_padding_mask', async () => {
    const { file, weights, config } = fixture(name);
    const layer = torchEncoderLayer(weights, '', {
      dim: config.d_model, heads: config.nhead, hiddenDim: config.dim_feedforward, activation: config.activation, normFirst: config.norm_first, eps: config.layer_norm_eps,
    });
    const x = file.tensor('input.x');
    const [batch, seq] = x.shape;
    const srcMask = file.tensor('input.src_mask'); // [seq, seq], true = not allowed
    const padding = file.tensor('input.key_padding_mask').reshape([batch, 1, 1, seq]); // true = padded key
    const mask: Tensor = logicalOr(srcMask, padding); // [batch, 1, seq, seq]
    const { output } = layer.forward(x, { mask });
    expectClose(await output.data(), file.read('expected.output'), 1e-4, name);
  });
});

describe.runIf(haveShared('fixtures/layers/vaswani-encoder-decoder.safetensors'))('Vaswani encoder-decoder on torch.nn.Transformer', () => {
  it('matches the logits', async () => {
    const { file, weights, config } = fixture('vaswani-encoder-decoder');
    const model = new EncoderDecoderModel(
      {
        dim: config.d_model, heads: config.nhead, hiddenDim: config.dim_feedforward, activation: config.activation, normFirst: config.norm_first,
        eps: config.layer_norm_eps, encoderLayers: config.num_encoder_layers, decoderLayers: config.num_decoder_layers, vocabSize: config.vocab_size,
      },
      weights,
    );
    const ids = (n: string) => tensor(file.read(n), file.entry(n)!.shape, 'int32');
    const { logits } = model.forward(ids('input.src_ids'), ids('input.tgt_ids'));
    expectClose(await logits.data(), file.read('expected.logits'), 1e-4, 'logits');
  });
});
