import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGguf, readSafetensors, WEIGHT_TYPES } from '@transformer-kit/tensor';
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
