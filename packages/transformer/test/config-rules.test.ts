// Issue #12, finding 4 (a lying context length allocated tables for the whole declared context up front),
// finding 10 (config.json `null` → "Cannot read properties of null") and "Also" (layer counts 0, -1, 1.5
// accepted; epsilon ≤ 0): every config passes the same rules, refused with the field, the value and the rule.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJsonBounded, tensor } from '@transformer-kit/tensor';
import { bertConfigFromHf, gpt2ConfigFromHf, loadGguf, loadHuggingFace, type CausalLM } from '../src/index';
import { haveShared, readShared, shared } from './shared-data';

const LLAMA_TINY = haveShared('fixtures/models/llama-tiny/model.safetensors', 'fixtures/models/llama-tiny/config.json');

function llamaTiny(config: unknown): Promise<unknown> {
  const dir = shared('fixtures/models/llama-tiny').path;
  const files: Record<string, Uint8Array> = {
    'config.json': new TextEncoder().encode(typeof config === 'string' ? config : JSON.stringify(config)),
    'model.safetensors': readFileSync(`${dir}/model.safetensors`),
  };
  return loadHuggingFace(async (name) => files[name]);
}

describe.runIf(LLAMA_TINY)('config.json rules (llama)', () => {
  const base = JSON.parse(readFileSync(shared('fixtures/models/llama-tiny/config.json').path, 'utf8')) as Record<string, unknown>;

  it('refuses a config.json that is not an object, naming the file', async () => {
    await expect(llamaTiny('null')).rejects.toThrow('config.json: the top level is null, not an object');
    await expect(llamaTiny('[1, 2]')).rejects.toThrow('config.json: the top level is an array, not an object');
    await expect(llamaTiny('"llama"')).rejects.toThrow('config.json: the top level is a string, not an object');
  });

  it.each([
    ['num_hidden_layers', 0, 'config.json: num_hidden_layers = 0 must be a positive integer'],
    ['num_hidden_layers', -1, 'config.json: num_hidden_layers = -1 must be a positive integer'],
    ['num_hidden_layers', 1.5, 'config.json: num_hidden_layers = 1.5 must be a positive integer'],
    ['hidden_size', 0, 'config.json: hidden_size = 0 must be a positive integer'],
    ['num_attention_heads', 3, 'config.json: num_attention_heads = 3 does not divide hidden_size = 32'],
    ['num_key_value_heads', 3, 'config.json: num_key_value_heads = 3 does not divide num_attention_heads = 4'],
    ['rms_norm_eps', 0, 'config.json: rms_norm_eps = 0 must be a finite number > 0'],
    ['rms_norm_eps', -1, 'config.json: rms_norm_eps = -1 must be a finite number > 0'],
    ['rope_theta', -10000, 'config.json: rope_theta = -10000 must be a finite number > 0'],
    ['max_position_embeddings', 2 ** 24, 'config.json: max_position_embeddings = 16777216 is over the context limit of 1048576 positions (2^20)'],
    ['vocab_size', 89.5, 'config.json: vocab_size = 89.5 must be a positive integer'],
  ])('refuses %s = %j', async (field, value, message) => {
    await expect(llamaTiny({ ...base, [field]: value })).rejects.toThrow(message);
  });

  it('builds rotary tables for the positions used, not for a declared context of 2^20', async () => {
    const before = process.memoryUsage().arrayBuffers;
    const { model } = (await llamaTiny({ ...base, max_position_embeddings: 2 ** 20 })) as { model: CausalLM };
    const { logits } = model.forward(tensor(Int32Array.from([1, 5, 9]), [1, 3], 'int32'));
    await logits.data();
    // Tables for 2^20 positions would be 2^20 × 4 × 4 bytes × 2 = 32 MiB; the weights are ~70 KB.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * 2 ** 20);
    expect(model.maxSeqLen).toBe(2 ** 20);
  });

  it('bounds the nesting depth of config.json', async () => {
    const deep = `{"model_type":"llama","x":${'['.repeat(20000)}${']'.repeat(20000)}}`;
    await expect(llamaTiny(deep)).rejects.toThrow('config.json: JSON nested deeper than 64 levels (at character 89)');
    expect(() => parseJsonBounded('{"a": "[[[[["}', 'x.json', { maxDepth: 1 })).not.toThrow(); // brackets in strings do not count
  });
});

describe('config.json rules (gpt2, bert)', () => {
  it('refuses bad counts and epsilons with the field name', () => {
    const gpt2 = { n_embd: 32, n_layer: 2, n_head: 4, vocab_size: 97, n_positions: 32 };
    expect(() => gpt2ConfigFromHf({ ...gpt2, n_layer: 1.5 })).toThrow('config.json: n_layer = 1.5 must be a positive integer');
    expect(() => gpt2ConfigFromHf({ ...gpt2, n_head: 5 })).toThrow('config.json: n_head = 5 does not divide n_embd = 32');
    expect(() => gpt2ConfigFromHf({ ...gpt2, layer_norm_epsilon: -1 })).toThrow('config.json: layer_norm_epsilon = -1 must be a finite number > 0');
    expect(() => gpt2ConfigFromHf({ ...gpt2, n_positions: 2 ** 21 })).toThrow('config.json: n_positions = 2097152 is over the context limit');
    const bert = { hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 64, vocab_size: 100 };
    expect(() => bertConfigFromHf({ ...bert, num_hidden_layers: -1 })).toThrow('config.json: num_hidden_layers = -1 must be a positive integer');
    expect(() => bertConfigFromHf({ ...bert, layer_norm_eps: 0 })).toThrow('config.json: layer_norm_eps = 0 must be a finite number > 0');
  });
});

describe.runIf(haveShared('models/stories260K/stories260K.gguf'))('GGUF context length', () => {
  it('refuses llama.context_length over the limit through the shared rules (no GGUF reader change)', () => {
    const bytes = readShared('models/stories260K/stories260K.gguf').slice();
    const key = new TextEncoder().encode('llama.context_length');
    const at = Buffer.from(bytes).indexOf(Buffer.from(key));
    expect(at).toBeGreaterThan(0);
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(at + key.length, true)).toBe(4); // GGUF value type 4 = uint32
    view.setUint32(at + key.length + 4, 2 ** 24, true);
    expect(() => loadGguf(bytes, 'stories260K.gguf')).toThrow('stories260K.gguf: llama.context_length = 16777216 is over the context limit of 1048576 positions (2^20)');
  });

  it('refuses block_count 0 and an RMS epsilon of NaN or -1 through the same rules (part of finding 7)', () => {
    const original = readShared('models/stories260K/stories260K.gguf');
    const withValue = (key: string, type: number, set: (view: DataView, at: number) => void) => {
      const bytes = original.slice();
      const k = new TextEncoder().encode(key);
      const at = Buffer.from(bytes).indexOf(Buffer.from(k));
      const view = new DataView(bytes.buffer);
      expect(view.getUint32(at + k.length, true)).toBe(type);
      set(view, at + k.length + 4);
      return bytes;
    };
    expect(() => loadGguf(withValue('llama.block_count', 4, (v, at) => v.setUint32(at, 0, true)), 'm.gguf')).toThrow(/^m\.gguf: llama\.block_count = 0 must be a positive integer/);
    expect(() => loadGguf(withValue('llama.attention.layer_norm_rms_epsilon', 6, (v, at) => v.setFloat32(at, NaN, true)), 'm.gguf')).toThrow('m.gguf: llama.attention.layer_norm_rms_epsilon = NaN must be a finite number > 0');
    expect(() => loadGguf(withValue('llama.attention.layer_norm_rms_epsilon', 6, (v, at) => v.setFloat32(at, -1, true)), 'm.gguf')).toThrow('m.gguf: llama.attention.layer_norm_rms_epsilon = -1 must be a finite number > 0');
  });
});
