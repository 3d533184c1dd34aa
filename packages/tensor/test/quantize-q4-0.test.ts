import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quantizeQ4_0, readGguf } from '@transformer-kit/tensor';
import { sharedDir } from './fixture-files';

// quantizeQ4_0 against ggml's own Q4_0 blocks: ggml writes code 0 for each block's largest-magnitude value
// (d = max / -8), so re-quantizing the decoded values of quant-types.gguf's q4_0.weight must give back its bytes.
const ggufPath = join(sharedDir, 'quant/quant-types.gguf');
const missing = !existsSync(ggufPath);
if (missing) console.warn(`skipped: ${ggufPath} is missing (../shared is not beside the repository)`);

describe('quantizeQ4_0', () => {
  it.skipIf(missing)('re-quantizes ggml-quantized q4_0 blocks to the same bytes', () => {
    const gguf = readGguf(readFileSync(ggufPath));
    expect(Array.from(quantizeQ4_0(gguf.read('q4_0.weight')))).toEqual(Array.from(gguf.bytes('q4_0.weight')));
  });

  it('names a length that is not whole blocks', () => {
    expect(() => quantizeQ4_0(new Float32Array(33))).toThrow(/quantizeQ4_0: 33 values are not whole blocks of 32/);
  });
});
