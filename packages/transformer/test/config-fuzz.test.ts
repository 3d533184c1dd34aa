// The config.json and model.safetensors.index.json fuzz suite (issue #12): mutated JSON (hostile values, removed
// and duplicated keys, truncation, deep nesting) either loads the same model or is refused with an error naming
// the file, within a time and memory bound. FUZZ_RUNS=<n> runs more cases.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSafetensors, tensor } from '@transformer-kit/tensor';
import { loadHuggingFace, type CausalLM, type LlamaConfig } from '../src/index';
import { expectAcceptedOrNamedError, fc, fuzzParameters, jsonMutation } from '../../../test-support/fuzz';
import { haveShared, shared } from './shared-data';
import { writeSafetensors } from './write-safetensors';

const NAMED = /^(config\.json|model\.safetensors\.index\.json|model\.safetensors|model-0000[12]\.safetensors|neither model\.safetensors)/;

describe.runIf(haveShared('fixtures/models/llama-tiny/model.safetensors', 'fixtures/models/llama-tiny/config.json'))('config.json / index.json fuzz', () => {
  const dir = shared('fixtures/models/llama-tiny').path;
  const configText = readFileSync(`${dir}/config.json`, 'utf8');
  const config = JSON.parse(configText) as Record<string, unknown>;
  const weights = readFileSync(`${dir}/model.safetensors`);
  const encode = (text: string) => new TextEncoder().encode(text);

  /** Accepted ⇒ the model the weights fix (sizes cannot lie past the shape checks), and a finite forward. */
  async function sameModel(loaded: Awaited<ReturnType<typeof loadHuggingFace>>): Promise<void> {
    const c = loaded.config as LlamaConfig;
    expect([c.dim, c.layers, c.heads, c.vocabSize, c.hiddenDim]).toEqual([32, 2, 4, 89, 64]);
    const { logits } = (loaded.model as CausalLM).forward(tensor(Int32Array.from([1]), [1, 1], 'int32'));
    const row = await logits.data();
    logits.dispose();
    expect(Array.from(row).every(Number.isFinite)).toBe(true);
  }

  it('config.json mutations', async () => {
    const outcomes = { accepted: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(jsonMutation(config), async ({ text }) => {
        const files: Record<string, Uint8Array> = { 'config.json': encode(text), 'model.safetensors': weights };
        outcomes[await expectAcceptedOrNamedError(() => loadHuggingFace(async (name) => files[name]), { named: NAMED, accept: sameModel })]++;
      }),
      fuzzParameters(300),
    );
    expect(outcomes.refused).toBeGreaterThan(0);
    expect(outcomes.accepted).toBeGreaterThan(0);
  });

  it('model.safetensors.index.json mutations (shard names, weight_map, total_size)', async () => {
    // Two shards: the first half of the tensors, then the rest.
    const src = readSafetensors(weights);
    const names = [...src.names];
    const shard = (part: string[]) => writeSafetensors(Object.fromEntries(part.map((n) => [n, { dtype: 'F32' as const, shape: [...src.entry(n)!.shape], data: src.read(n) as Float32Array }])));
    const half = Math.ceil(names.length / 2);
    const shards: Record<string, Uint8Array> = { 'model-00001.safetensors': shard(names.slice(0, half)), 'model-00002.safetensors': shard(names.slice(half)) };
    const index = { metadata: { total_size: weights.byteLength }, weight_map: Object.fromEntries(names.map((n, i) => [n, i < half ? 'model-00001.safetensors' : 'model-00002.safetensors'])) };
    const asked: string[] = [];
    await fc.assert(
      fc.asyncProperty(jsonMutation(index), async ({ text }) => {
        const files: Record<string, Uint8Array> = { 'config.json': encode(configText), 'model.safetensors.index.json': encode(text), ...shards };
        await expectAcceptedOrNamedError(
          () =>
            loadHuggingFace(async (name) => {
              asked.push(name);
              return Object.prototype.hasOwnProperty.call(files, name) ? files[name] : undefined;
            }),
          { named: NAMED, accept: sameModel },
        );
      }),
      fuzzParameters(300),
    );
    // Whatever the index said, only plain names inside the folder were ever asked for.
    expect(asked.filter((n) => n.includes('..') || n.startsWith('/') || n.includes('\\'))).toEqual([]);
  });
});
