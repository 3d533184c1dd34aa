/**
 * Parity of a model folder (config.json + model.safetensors + expected.safetensors): logits and greedy ids
 * of a causal LM, or BERT's last hidden state. A llama2.c export beside it (model.llama2c.bin) is checked
 * against the same expectations.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readSafetensors, tensor, type SafetensorsFile } from '@transformer-kit/tensor';
import { isCausalLM, loadLlama2c, type BertModel, type CausalLM } from '@transformer-kit/transformer';
import { loadModelFromPath } from '@transformer-kit/transformer/node';
import { compare, compareExact, type Comparison } from './compare';

async function causal(model: CausalLM, expected: SafetensorsFile, tol: number): Promise<Comparison[]> {
  const inputIds = Array.from(expected.read('input_ids'));
  const { logits } = model.forward(tensor(Int32Array.from(inputIds), [1, inputIds.length], 'int32'));
  const out: Comparison[] = [compare('logits', (await logits.data()) as Float32Array, expected.read('logits'), tol)];
  logits.dispose();
  if (expected.entry('greedy_ids')) {
    const want = Array.from(expected.read('greedy_ids'));
    const cache = model.createCache(want.length);
    const ids = inputIds.slice();
    let input = inputIds;
    while (ids.length < want.length) {
      const step = model.forward(tensor(Int32Array.from(input), [1, input.length], 'int32'), { cache, lastPositionOnly: true }).logits;
      const row = await step.data();
      step.dispose();
      let best = 0;
      for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
      ids.push(best);
      input = [best];
    }
    cache.dispose();
    out.push(compareExact('greedy_ids', ids, want));
  }
  return out;
}

async function bert(model: BertModel, expected: SafetensorsFile, tol: number): Promise<Comparison[]> {
  const t = (name: string) => tensor(expected.read(name), expected.entry(name)!.shape, 'int32');
  const { lastHiddenState } = model.forward(t('input_ids'), {
    tokenTypeIds: expected.entry('token_type_ids') ? t('token_type_ids') : undefined,
    attentionMask: expected.entry('attention_mask') ? t('attention_mask') : undefined,
  });
  return [compare('last_hidden_state', (await lastHiddenState.data()) as Float32Array, expected.read('last_hidden_state'), tol)];
}

/** The cases of one model folder: the Hugging Face checkpoint, and model.llama2c.bin when present. */
export async function modelFolderCases(dir: string, tol: number): Promise<{ name: string; comparisons: Comparison[] }[]> {
  const expected = readSafetensors(await readFile(join(dir, 'expected.safetensors')));
  const { model } = await loadModelFromPath(dir);
  const cases = [{ name: 'huggingface', comparisons: isCausalLM(model) ? await causal(model, expected, tol) : await bert(model, expected, tol) }];
  model.dispose();
  const llama2c = join(dir, 'model.llama2c.bin');
  if (existsSync(llama2c)) {
    const loaded = loadLlama2c(new Uint8Array(await readFile(llama2c)), undefined, 'model.llama2c.bin');
    cases.push({ name: 'model.llama2c.bin', comparisons: await causal(loaded.model as CausalLM, expected, tol) });
    loaded.model.dispose();
  }
  return cases;
}
