import { describe, expect, it } from 'vitest';
import { readGguf, writeGguf } from '@transformer-kit/tensor';
import { smallGguf, tensorInfoAt } from './gguf-build';

// llama.cpp's gguf.cpp rules (issue #12, findings 2 and 7): every refusal names the file, the field or
// tensor, the value and the rule.
const read = (bytes: Uint8Array) => readGguf(bytes, { name: 'lie.gguf' });

describe('readGguf validates as gguf.cpp does', () => {
  it('reads a valid file: metadata, shapes, values', () => {
    const { bytes, f32 } = smallGguf();
    const g = read(bytes);
    expect(g.metadata['llama.block_count']).toBe(1);
    expect(g.info('b.weight')).toMatchObject({ shape: [2, 32], typeName: 'Q8_0', byteLength: 68 });
    expect(Array.from(g.read('a.weight'))).toEqual(Array.from(f32));
  });

  it.each([
    [0, /metadata 'general\.alignment' is 0 \(rule: a power of two, at least 1\)/],
    [3, /metadata 'general\.alignment' is 3 \(rule: a power of two/],
    [48, /metadata 'general\.alignment' is 48 \(rule: a power of two/],
  ])('general.alignment %s is refused', (alignment, message) => {
    const { bytes } = smallGguf({ 'general.alignment': { type: 4, value: alignment } });
    expect(() => read(bytes)).toThrow(new RegExp(`^GGUF lie\\.gguf: ${message.source}`));
  });

  it('general.alignment of another type (-32 as int32, a string) is refused: gguf.cpp reads it as uint32', () => {
    expect(() => read(smallGguf({ 'general.alignment': { type: 5, value: -32 } }).bytes)).toThrow(/GGUF lie\.gguf: metadata 'general\.alignment' is -32 of GGUF type 5 \(rule: a uint32 power of two\)/);
    expect(() => read(smallGguf({ 'general.alignment': '32' }).bytes)).toThrow(/metadata 'general\.alignment' is "32" of GGUF type 8 \(rule: a uint32 power of two\)/);
  });

  it('general.alignment 1 and 64 are valid powers of two and read the same values', () => {
    for (const a of [1, 64]) {
      const { bytes, f32 } = smallGguf({ 'general.alignment': { type: 4, value: a } });
      expect(Array.from(read(bytes).read('a.weight'))).toEqual(Array.from(f32));
    }
  });

  it('a misaligned or overlapping tensor offset is refused', () => {
    for (const [lie, expected] of [[4, 4], [0, 0]] as const) {
      const { bytes } = smallGguf();
      const at = tensorInfoAt(bytes, 'b.weight').offset;
      new DataView(bytes.buffer).setBigUint64(at, BigInt(lie), true);
      expect(() => read(bytes)).toThrow(new RegExp(`tensor 'b\\.weight' has data offset ${expected}, expected 256 \\(rule: tensors lie in order`));
    }
  });

  it('F32 data relabelled F16 or Q8_0 is refused (size = shape × type size)', () => {
    for (const type of [1, 8]) {
      const f32 = new Float32Array(64);
      const other = new Uint8Array(68);
      const bytes = writeGguf({ metadata: {}, tensors: [{ name: 'a.weight', shape: [2, 32], type: 0, data: new Uint8Array(f32.buffer) }, { name: 'b.weight', shape: [2, 32], type: 8, data: other }] });
      new DataView(bytes.buffer).setUint32(tensorInfoAt(bytes, 'a.weight').type, type, true);
      // a.weight now takes fewer bytes, so b.weight's offset no longer follows it
      expect(() => read(bytes)).toThrow(new RegExp(`tensor 'b\\.weight' has data offset 256, expected (128|96)`));
    }
  });

  it('a relabelled last tensor whose data no longer fits the file is refused as truncated', () => {
    const f16 = new Uint8Array(128);
    const bytes = writeGguf({ metadata: {}, tensors: [{ name: 'a.weight', shape: [2, 32], type: 1, data: f16 }] });
    new DataView(bytes.buffer).setUint32(tensorInfoAt(bytes, 'a.weight').type, 0, true); // F16 → F32 (needs 256 bytes)
    expect(() => read(bytes)).toThrow(/GGUF lie\.gguf: the file is truncated: tensor 'a\.weight' \(F32 2×32, 256 bytes\) ends at byte \d+ but the file has \d+/);
  });

  it('duplicate metadata keys and duplicate tensor names are refused', () => {
    const { bytes } = smallGguf({ 'llama.block_coun2': 1 });
    // rename the second key onto the first: 'llama.block_coun2' → 'llama.block_count'
    const at = new TextDecoder('latin1').decode(bytes).indexOf('llama.block_coun2');
    bytes[at + 16] = 't'.charCodeAt(0);
    expect(() => read(bytes)).toThrow(/GGUF lie\.gguf: metadata key 'llama\.block_count' appears twice \(#2\) \(rule: keys are unique\)/);
    const two = writeGguf({ metadata: {}, tensors: [{ name: 'x', shape: [32], type: 0, data: new Uint8Array(128) }, { name: 'y', shape: [32], type: 0, data: new Uint8Array(128) }] });
    two[new TextDecoder('latin1').decode(two).lastIndexOf('y')] = 'x'.charCodeAt(0);
    expect(() => read(two)).toThrow(/tensor 'x' appears twice \(#1\) \(rule: tensor names are unique\)/);
  });

  it('a tensor count one too high is refused, not read as garbage', () => {
    const { bytes } = smallGguf();
    new DataView(bytes.buffer).setBigUint64(8, 3n, true);
    expect(() => read(bytes)).toThrow(/GGUF lie\.gguf: /);
  });

  it('a kv count one too high is refused', () => {
    const { bytes } = smallGguf();
    const view = new DataView(bytes.buffer);
    view.setBigUint64(16, view.getBigUint64(16, true) + 1n, true);
    expect(() => read(bytes)).toThrow(/GGUF lie\.gguf: /);
  });

  it('an unknown ggml type, a row not a multiple of the block, and too many dims are named', () => {
    let { bytes } = smallGguf();
    new DataView(bytes.buffer).setUint32(tensorInfoAt(bytes, 'b.weight').type, 4, true);
    expect(() => read(bytes)).toThrow(/tensor 'b\.weight' has ggml type 4, which ggml does not define \(rule: a known ggml type\)/);
    bytes = writeGguf({ metadata: {}, tensors: [{ name: 'q', shape: [1, 16], type: 8, data: new Uint8Array(34) }] });
    expect(() => read(bytes)).toThrow(/tensor 'q' of type Q8_0 has 16 elements per row \(rule: a multiple of the block size 32\)/);
    bytes = writeGguf({ metadata: {}, tensors: [{ name: 'r', shape: [1, 1, 1, 1, 1], type: 0, data: new Uint8Array(4) }] });
    expect(() => read(bytes)).toThrow(/tensor 'r' has 5 dimensions \(rule: at most 4\)/);
  });

  it('an unsupported weight type (IQ4_NL) is named with the supported list when read', () => {
    const bytes = writeGguf({ metadata: {}, tensors: [{ name: 'blk.0.ffn_up.weight', shape: [1, 32], type: 20, data: new Uint8Array(18) }] });
    const g = read(bytes);
    expect(g.info('blk.0.ffn_up.weight')!.typeName).toBe('IQ4_NL');
    expect(() => g.read('blk.0.ffn_up.weight')).toThrow(
      "GGUF lie.gguf: tensor 'blk.0.ffn_up.weight' is IQ4_NL, which cannot be decoded (supported types: F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K)",
    );
  });
});
