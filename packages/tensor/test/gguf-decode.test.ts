import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dequantizeGgml, nonFiniteWeightCount, readGguf, readSafetensors, weightBlock, weightDTypeOfGgml, WEIGHT_TYPES } from '@transformer-kit/tensor';
import { sharedDir } from './fixture-files';

// ggml's own to_float output for one [16, 512] tensor per type (see ../shared/README.md, "quant").
const ggufPath = join(sharedDir, 'quant/quant-types.gguf');
const expectedPath = join(sharedDir, 'quant/quant-types.expected.safetensors');
const missing = [ggufPath, expectedPath].find((p) => !existsSync(p));
if (missing) console.warn(`skipped: ${missing} is missing (../shared is not beside the repository)`);

describe.skipIf(missing !== undefined)('GGUF decoding is bit-exact against ggml (quant-types.gguf)', () => {
  const gguf = missing ? null : readGguf(readFileSync(ggufPath), { name: 'quant-types.gguf' });
  const expected = missing ? null : readSafetensors(new Uint8Array(readFileSync(expectedPath)));
  it.each(WEIGHT_TYPES.map((t) => [t]))('%s', (type) => {
    const name = `${type.toLowerCase()}.weight`;
    const info = gguf!.info(name)!;
    expect(info.typeName).toBe(type);
    expect(info.shape).toEqual([16, 512]);
    const got = gguf!.read(name);
    const want = expected!.read(name) as Float32Array;
    expect(got.length).toBe(want.length);
    // Bit for bit: compare the float32 bit patterns (so -0 vs 0 and NaN payloads would show).
    const gotBits = new Uint32Array(got.buffer, got.byteOffset, got.length);
    const wantBits = new Uint32Array(want.buffer.slice(want.byteOffset, want.byteOffset + want.byteLength));
    let firstDiff = -1;
    for (let i = 0; i < gotBits.length && firstDiff < 0; i++) if (gotBits[i] !== wantBits[i]) firstDiff = i;
    expect(firstDiff === -1 ? 'equal' : `differs at ${firstDiff}: ${got[firstDiff]} vs ${want[firstDiff]}`).toBe('equal');
  });
});

describe.skipIf(missing !== undefined)('nonFiniteWeightCount checks packed weights through their block scales', () => {
  const gguf = missing ? null : readGguf(readFileSync(ggufPath));
  // byte offset of one f16 scale in a block (the last one for two-scale types); 0 for 16-bit weights
  const scaleAt: Record<string, number> = { Q4_0: 0, Q4_1: 2, Q5_0: 0, Q5_1: 2, Q8_0: 0, Q2_K: 82, Q3_K: 108, Q4_K: 2, Q5_K: 2, Q6_K: 208, F16: 0, BF16: 0 };
  it.each(WEIGHT_TYPES.filter((t) => t !== 'F32').map((t) => [t]))('%s: 0 for the file; with one scale set to Infinity, the count of non-finite decoded values', (type) => {
    const info = gguf!.info(`${type.toLowerCase()}.weight`)!;
    const dtype = weightDTypeOfGgml(info.type)!;
    const bytes = gguf!.bytes(info.name).slice();
    expect(nonFiniteWeightCount(dtype, bytes)).toBe(0);
    const at = 3 * weightBlock(dtype).bytes + scaleAt[type];
    [bytes[at], bytes[at + 1]] = type === 'BF16' ? [0x80, 0x7f] : [0x00, 0x7c];
    const bad = Array.from(dequantizeGgml(bytes, info.type, 16 * 512)).filter((v) => !Number.isFinite(v)).length;
    expect(bad).toBeGreaterThan(0);
    expect(nonFiniteWeightCount(dtype, bytes)).toBe(bad);
  });
});
