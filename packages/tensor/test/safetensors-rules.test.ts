// Issue #12, finding 5: a header length shortened by 1–7 bytes (padding spaces, so the JSON stays valid)
// shifted every tensor (all logits NaN, no error); overlapping ranges, gaps, trailing bytes, a non-object
// __metadata__ and the dtype "__proto__" were accepted. The rules are the safetensors spec's and its Rust
// implementation's (huggingface/safetensors: read_metadata + Metadata::validate).
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '@transformer-kit/tensor';
import { assemble, buildSafetensors, le } from './safetensors-build';

const f32 = (v: number[]) => le(4, v, (d, at, x: number) => d.setFloat32(at, x, true));
const header = (h: unknown) => new TextEncoder().encode(JSON.stringify(h));

describe('safetensors: the format rules', () => {
  it('refuses a header length shortened into its padding (the data would shift)', () => {
    const good = buildSafetensors({ x: { dtype: 'F32', shape: [2], bytes: f32([1, 2]) } }, undefined, 7);
    expect(Array.from(readSafetensors(good).read('x'))).toEqual([1, 2]);
    for (let k = 1; k <= 7; k++) {
      const bad = good.slice();
      const view = new DataView(bad.buffer);
      view.setBigUint64(0, view.getBigUint64(0, true) - BigInt(k), true);
      expect(() => readSafetensors(bad)).toThrow(`safetensors: the tensors end at byte 8 of the data section but it has ${8 + k} bytes: ${k} trailing bytes (the format allows none; is the header length right?)`);
    }
  });

  it('refuses trailing bytes after the last tensor', () => {
    const good = buildSafetensors({ x: { dtype: 'F32', shape: [1], bytes: f32([1]) } });
    expect(() => readSafetensors(assemble(good.subarray(8, good.length - 4), [f32([1, 2])]))).toThrow(/4 trailing bytes/);
  });

  it('refuses overlapping ranges and gaps, naming both tensors', () => {
    const overlap = assemble(header({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }), [f32([1, 2, 3])]);
    expect(() => readSafetensors(overlap)).toThrow("safetensors: tensor 'b': data_offsets begin at 4 but tensor 'a' ends at 8: an overlap (tensors must be contiguous from 0, without gaps or overlaps)");
    const gap = assemble(header({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }), [f32([1, 2, 3])]);
    expect(() => readSafetensors(gap)).toThrow("safetensors: tensor 'b': data_offsets begin at 8 but tensor 'a' ends at 4: a gap");
    const late = assemble(header({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }), [f32([1, 2])]);
    expect(() => readSafetensors(late)).toThrow("safetensors: tensor 'a': data_offsets begin at 4 but the data section starts at 0: a gap");
    // Any order in the header is fine as long as the offsets tile the data (the Rust crate sorts by offset).
    const reordered = assemble(header({ b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] }, a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }), [f32([1, 2])]);
    expect(Array.from(readSafetensors(reordered).read('b'))).toEqual([2]);
  });

  it('refuses a __metadata__ that is not an object of strings', () => {
    const x = { dtype: 'F32', shape: [1], data_offsets: [0, 4] };
    expect(() => readSafetensors(assemble(header({ __metadata__: 5, x }), [f32([1])]))).toThrow('safetensors: __metadata__ must be an object of strings, found a number');
    expect(() => readSafetensors(assemble(header({ __metadata__: ['a'], x }), [f32([1])]))).toThrow('found an array');
    expect(() => readSafetensors(assemble(header({ __metadata__: { format: 1 }, x }), [f32([1])]))).toThrow('safetensors: __metadata__["format"] must be a string, found a number');
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('refuses the dtype %j (own-property lookup)', (dtype) => {
    const bytes = assemble(header({ x: { dtype, shape: [1], data_offsets: [0, 4] } }), [f32([1])]);
    expect(() => readSafetensors(bytes)).toThrow(`safetensors: tensor 'x' has unknown dtype ${JSON.stringify(dtype)} (supported: F64, F32`);
  });

  it('refuses shapes that are not non-negative integers, and sizes past 2^53 without rounding', () => {
    for (const shape of [[1.5], ['2'], [null], [-1]]) {
      expect(() => readSafetensors(assemble(header({ x: { dtype: 'F32', shape, data_offsets: [0, 4] } }), [f32([1])]))).toThrow(/tensor 'x' has an invalid shape .*: entries must be non-negative integers/);
    }
    const huge = assemble(header({ x: { dtype: 'F32', shape: [2 ** 30, 2 ** 30, 2 ** 30], data_offsets: [0, 4] } }), [f32([1])]);
    expect(() => readSafetensors(huge)).toThrow(/tensor 'x': header says 4 bytes but F32 \[1073741824, 1073741824, 1073741824\] needs 4951760157141521099596496896/);
  });

  it('refuses a header that is not UTF-8, does not start with {, or nests too deep', () => {
    const bad = new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]); // {"\xff":1}
    expect(() => readSafetensors(assemble(bad, []))).toThrow('safetensors: header is not valid UTF-8');
    expect(() => readSafetensors(assemble(new TextEncoder().encode(' {}'), []))).toThrow("safetensors: header is not a JSON object: it must start with '{', found byte 0x20");
    const deep = new TextEncoder().encode(`{"__metadata__":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    expect(() => readSafetensors(assemble(deep, []))).toThrow('safetensors: header: JSON nested deeper than 16 levels');
  });

  it('refuses a header length over the 100,000,000-byte limit of the format', () => {
    const bytes = new Uint8Array(8 + 100_000_001);
    new DataView(bytes.buffer).setBigUint64(0, 100_000_001n, true);
    expect(() => readSafetensors(bytes)).toThrow('safetensors: header length 100000001 is over the format\'s limit of 100000000 bytes');
  });
});

// Every safetensors file in ../shared was written by Python's safetensors: all of them follow the rules.
const sharedDir = resolve(import.meta.dirname, '../../../../shared');
function safetensorsUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.safetensors') && statSync(join(dir, f)).size < 64 * 2 ** 20).map((f) => join(dir, f));
  } catch {
    return [];
  }
}
const files = safetensorsUnder(sharedDir);
describe.runIf(files.length > 0)('safetensors: real files', () => {
  it(`accepts every safetensors file under ../shared (${files.length})`, async () => {
    const { readFileSync } = await import('node:fs');
    for (const f of files) expect(() => readSafetensors(readFileSync(f)), f).not.toThrow();
  });
});
