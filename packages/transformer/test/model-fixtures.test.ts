import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSafetensors, tensor } from '@transformer-kit/tensor';
import { BertModel, bertConfigFromHf, Gpt2Model, gpt2ConfigFromHf, LlamaModel, llamaConfigFromHf, readLlama2c, safetensorsWeights, type CausalLM } from '../src/index';
import { expectClose } from './close';
import { haveShared, shared } from './shared-data';

const dir = (name: string) => shared(`fixtures/models/${name}`).path;
const files = (name: string) => ({
  config: JSON.parse(readFileSync(`${dir(name)}/config.json`, 'utf8')),
  weights: safetensorsWeights({ 'model.safetensors': readFileSync(`${dir(name)}/model.safetensors`) }),
  expected: readSafetensors(readFileSync(`${dir(name)}/expected.safetensors`)),
});

/** Logits of the fixture's input_ids, and greedy continuation with the KV cache, one token per step. */
async function checkCausalLM(model: CausalLM, expected: ReturnType<typeof files>['expected']) {
  const inputIds = Array.from(expected.read('input_ids'));
  const ids = tensor(Int32Array.from(inputIds), [1, inputIds.length], 'int32');
  const { logits } = model.forward(ids);
  expectClose(await logits.data(), expected.read('logits'), 1e-4, 'logits');
  const greedy = Array.from(expected.read('greedy_ids'));
  const cache = model.createCache();
  const out = inputIds.slice();
  let input = inputIds;
  while (out.length < greedy.length) {
    const { logits: step } = model.forward(tensor(Int32Array.from(input), [1, input.length], 'int32'), { cache, lastPositionOnly: true });
    const row = await step.data();
    let best = 0;
    for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
    out.push(best);
    input = [best];
  }
  expect(out).toEqual(greedy);
  cache.dispose();
}

describe.runIf(haveShared('fixtures/models/gpt2-tiny/model.safetensors'))('gpt2-tiny', () => {
  it('matches the PyTorch logits and greedy ids', async () => {
    const f = files('gpt2-tiny');
    await checkCausalLM(new Gpt2Model(gpt2ConfigFromHf(f.config), f.weights), f.expected);
  });
});

describe.runIf(haveShared('fixtures/models/llama-tiny/model.safetensors'))('llama-tiny', () => {
  it('matches from the Hugging Face safetensors (rotate-halves RoPE, untied head)', async () => {
    const f = files('llama-tiny');
    await checkCausalLM(new LlamaModel(llamaConfigFromHf(f.config), f.weights), f.expected);
  });
  it('matches from the llama2.c .bin (interleaved RoPE, unshared classifier)', async () => {
    const f = files('llama-tiny');
    const { config, weights } = readLlama2c(readFileSync(`${dir('llama-tiny')}/model.llama2c.bin`));
    expect(config.tiedEmbeddings).toBe(false);
    await checkCausalLM(new LlamaModel(config, weights), f.expected);
  });
});

describe.runIf(haveShared('fixtures/models/bert-tiny/model.safetensors'))('bert-tiny', () => {
  it('matches the PyTorch last_hidden_state with token types and a padding mask', async () => {
    const f = files('bert-tiny');
    const bert = new BertModel(bertConfigFromHf(f.config), f.weights);
    const t = (name: string) => tensor(f.expected.read(name), f.expected.entry(name)!.shape, 'int32');
    const { lastHiddenState } = bert.forward(t('input_ids'), { tokenTypeIds: t('token_type_ids'), attentionMask: t('attention_mask') });
    expectClose(await lastHiddenState.data(), f.expected.read('last_hidden_state'), 1e-4, 'last_hidden_state');
  });
});
