import { afterEach, describe, expect, it } from 'vitest';
import { createCpuBackend, getBackend, setBackend, tensor } from '@transformer-kit/tensor';
import { generate, loadGguf, readGgufLlama, type CausalLM } from '../src/index';
import { haveShared, readShared } from './shared-data';

// r42m-Q4_K_M.gguf (Q4_K and Q6_K weights, kept packed) against llama.cpp's own run of the same file
// (../shared/models/r42m/llama.cpp-greedy-Q4_K_M.json). llama.cpp quantizes activations to 8 bits and keeps
// an F16 KV cache, so logits agree within the bound (0.06 max abs, cosine ≥ 0.9995), not bit for bit.
const FILE = 'models/r42m/r42m-Q4_K_M.gguf';
const REF = 'models/r42m/llama.cpp-greedy-Q4_K_M.json';
const available = haveShared(FILE, REF);
const original = getBackend();
afterEach(() => setBackend(original));

describe.runIf(available)('r42m-Q4_K_M.gguf matches llama.cpp', () => {
  it('keeps the weights packed as the file stores them (Q4_K, Q6_K), norms float32', () => {
    const { weights } = readGgufLlama(readShared(FILE));
    expect(weights.get('model.layers.0.mlp.down_proj.weight').packed?.dtype).toBe('q6_k');
    expect(weights.get('model.layers.0.mlp.gate_proj.weight').packed?.dtype).toBe('q4_k');
    expect(weights.get('model.embed_tokens.weight').packed?.dtype).toBe('q4_k');
    expect(weights.get('model.norm.weight').packed).toBeUndefined();
  });

  it('logits after the prompt and 32 greedy ids', async () => {
    setBackend(createCpuBackend());
    const ref = JSON.parse(new TextDecoder().decode(readShared(REF))) as { prompt: string; prompt_ids: number[]; greedy_ids: number[]; logits_after_prompt: number[] };
    const { model, tokenizer } = loadGguf(readShared(FILE), 'r42m-Q4_K_M.gguf');
    expect(tokenizer!.encode(ref.prompt)).toEqual(ref.prompt_ids);
    const lm = model as CausalLM;
    const ids: number[] = [];
    for await (const t of generate(lm, tokenizer!, ref.prompt_ids, { maxTokens: 32, temperature: 0 })) ids.push(t.id);
    // the logits after the prompt: one forward over the prompt, last position
    const out = lm.forward(tensor(ref.prompt_ids, [1, ref.prompt_ids.length], 'int32'));
    const all = out.logits.dataSync() as Float32Array;
    const logits = all.subarray(all.length - 32000);
    let maxAbs = 0;
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let i = 0; i < 32000; i++) {
      const a = logits[i];
      const b = ref.logits_after_prompt[i];
      maxAbs = Math.max(maxAbs, Math.abs(a - b));
      dot += a * b;
      na += a * a;
      nb += b * b;
    }
    const cosine = dot / Math.sqrt(na * nb);
    console.log(`r42m-Q4_K_M vs llama.cpp: max abs ${maxAbs.toFixed(4)}, cosine ${cosine.toFixed(6)}`);
    expect(maxAbs).toBeLessThanOrEqual(0.06);
    expect(cosine).toBeGreaterThanOrEqual(0.9995);
    expect(ids).toEqual(ref.greedy_ids);
    out.logits.dispose();
    model.dispose();
  });
});
