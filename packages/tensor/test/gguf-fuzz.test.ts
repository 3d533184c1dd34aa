/**
 * GGUF fuzzing (issue #12): truncations, byte flips, lying count and length fields, offset lies and duplicate
 * keys. Every case is either accepted with a consistent layout (every tensor inside the file, aligned, in
 * order, the same tensors when only data bytes changed) or refused with a named `GGUF ...` error, never an
 * engine error, each within a time bound. Fixed seed; FUZZ_RUNS sets the number of runs per property.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readGguf, type GgufFile } from '@transformer-kit/tensor';
import { smallGguf, tensorInfoAt } from './gguf-build';

const runs = Number(process.env.FUZZ_RUNS ?? 200);
const seed = 1337;
const { bytes: base } = smallGguf({ 'tokenizer.ggml.tokens': ['a', 'b', 'c'], 'general.name': 'fuzz', 'fuzz.key.aaa': 7, 'fuzz.key.bbb': 'x', 'fuzz.key.ccc': [1.5, 2] });
const original = readGguf(base);
const dataStart = original.tensors[0].offset;

/** Parses `bytes` and checks the outcome; returns 'accepted' or 'refused'. */
function outcome(bytes: Uint8Array, dataOnly: boolean): 'accepted' | 'refused' {
  const started = performance.now();
  let g: GgufFile;
  try {
    g = readGguf(bytes, { name: 'fuzz.gguf' });
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message).toMatch(/^GGUF fuzz\.gguf: /);
    expect(performance.now() - started).toBeLessThan(1000);
    return 'refused';
  }
  let end = 0;
  for (const t of g.tensors) {
    expect(t.offset).toBeGreaterThanOrEqual(end);
    expect(t.offset + t.byteLength).toBeLessThanOrEqual(bytes.length);
    end = t.offset + t.byteLength;
    try {
      expect(g.read(t.name).length).toBe(t.shape.reduce((a, b) => a * b, 1));
    } catch (e) {
      expect((e as Error).message).toMatch(/^GGUF fuzz\.gguf: tensor '.*' is .*, which cannot be decoded/);
    }
  }
  if (dataOnly) expect(g.tensors.map((t) => [t.name, t.shape, t.typeName, t.offset])).toEqual(original.tensors.map((t) => [t.name, t.shape, t.typeName, t.offset]));
  expect(performance.now() - started).toBeLessThan(1000);
  return 'accepted';
}

describe('GGUF fuzz (fast-check, fixed seed)', () => {
  it('truncation at any offset is refused with a named error (or cuts only trailing padding)', () => {
    const lastEnd = original.tensors.at(-1)!.offset + original.tensors.at(-1)!.byteLength;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: base.length - 1 }), (n) => {
        const result = outcome(base.slice(0, n), false);
        expect(result).toBe(n >= lastEnd ? 'accepted' : 'refused');
      }),
      { seed, numRuns: runs },
    );
  });

  it('byte flips anywhere: named error or a consistent file; flips in the data keep the layout', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: base.length - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), (flips) => {
        const b = base.slice();
        for (const [at, x] of flips) b[at] ^= x;
        outcome(b, flips.every(([at]) => at >= dataStart));
      }),
      { seed, numRuns: runs },
    );
  });

  it('lying counts, lengths, dims and offsets (u64 fields set to hostile values) are refused or consistent', () => {
    const info = tensorInfoAt(base, 'b.weight');
    const fields = [8, 16, info.dims, info.dims + 8, info.offset, tensorInfoAt(base, 'a.weight').offset, 24];
    const hostile = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom(0n, 1n, 2n, 3n, 31n, 32n, 2n ** 31n, 2n ** 32n, 2n ** 63n, 2n ** 64n - 1n));
    fc.assert(
      fc.property(fc.constantFrom(...fields), hostile, (at, value) => {
        const b = base.slice();
        new DataView(b.buffer).setBigUint64(at, value, true);
        outcome(b, false);
      }),
      { seed, numRuns: runs },
    );
  });

  it('duplicate keys (any key renamed onto another of the same length) are refused', () => {
    const keys = Object.keys(original.metadata).filter((k) => k.startsWith('fuzz.key.'));
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.constantFrom(...keys), (from, to) => {
        fc.pre(from !== to);
        const b = base.slice();
        const at = new TextDecoder('latin1').decode(b).indexOf(from);
        b.set(new TextEncoder().encode(to), at);
        expect(outcome(b, false)).toBe('refused');
      }),
      { seed, numRuns: Math.min(runs, 50) },
    );
  });
});
