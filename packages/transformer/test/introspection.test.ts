import { afterEach, describe, expect, it } from 'vitest';
import { getBackend, setBackend, tensor } from '@transformer-kit/tensor';
import { loadLlama2c, readLlama2c, type CausalLM } from '../src/index';
import { expectClose } from './close';
import { countingBackend } from './counting-backend';
import { haveShared, readShared } from './shared-data';

const BIN = 'models/stories260K/stories260K.bin';
const original = getBackend();
afterEach(() => setBackend(original));

describe.runIf(haveShared(BIN))('introspection: attention weights and the residual stream', () => {
  const ids = [1, 403, 407, 261, 378, 39];
  const input = () => tensor(Int32Array.from(ids), [1, ids.length], 'int32');

  it('returns per-layer attention weights and hidden states without changing the prediction', async () => {
    const model = loadLlama2c(readShared(BIN)).model as CausalLM;
    const plain = await model.forward(input()).logits.data();
    const out = model.forward(input(), { outputAttentions: true, outputHiddenStates: true });
    const withWeights = await out.logits.data();
    // NOTE: asking for weights routes attention through the attention package's composed path (scores →
    // softmax → ·v) instead of the fused kernel, so logits agree to float rounding (measured 3e-6), not bitwise.
    expectClose(withWeights, plain, 1e-5, 'logits with introspection');
    const argmaxRows = (x: ArrayLike<number>) => ids.map((_, t) => {
      let best = 0;
      for (let i = 1; i < 512; i++) if (x[t * 512 + i] > x[t * 512 + best]) best = i;
      return best;
    });
    expect(argmaxRows(withWeights)).toEqual(argmaxRows(plain));
    expect(out.attentions!.length).toBe(5);
    expect(out.hiddenStates!.length).toBe(6);
    const w = await out.attentions![2].data(); // [1, 8, 6, 6]
    expect(out.attentions![2].shape).toEqual([1, 8, 6, 6]);
    for (let h = 0; h < 8; h++) {
      for (let i = 0; i < 6; i++) {
        const row = Array.from(w.subarray((h * 6 + i) * 6, (h * 6 + i + 1) * 6));
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        expect(row.slice(i + 1).every((p) => p === 0)).toBe(true); // causal: nothing from the future
      }
    }
    // hiddenStates[0] is the token embedding: the checkpoint's rows for these ids.
    const table = readLlama2c(readShared(BIN)).weights.get('model.embed_tokens.weight').data;
    const h0 = await out.hiddenStates![0].data();
    for (const [t, id] of ids.entries()) expect(Array.from(h0.subarray(t * 64, (t + 1) * 64))).toEqual(Array.from(table.subarray(id * 64, (id + 1) * 64)));
  });

  it('costs nothing when not asked for: no softmax/score kernels, only the fused attention', () => {
    const counting = countingBackend();
    setBackend(counting.backend);
    const model = loadLlama2c(readShared(BIN)).model as CausalLM;
    counting.calls.clear();
    model.forward(input());
    expect(counting.calls.get('softmax') ?? 0).toBe(0);
    const plainCalls = [...counting.calls.values()].reduce((a, b) => a + b, 0);
    counting.calls.clear();
    model.forward(input(), { outputAttentions: true });
    expect(counting.calls.get('softmax')).toBeGreaterThan(0);
    expect([...counting.calls.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(plainCalls);
  });
});
