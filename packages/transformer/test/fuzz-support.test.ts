// The shared fuzz helpers (test-support/fuzz.ts) do what they say: mutations change bytes as described, and the
// assertion tells a named refusal from an engine error, a hang and a runaway allocation.
import { describe, expect, it } from 'vitest';
import { applyByteMutation, duplicateKey, expectAcceptedOrNamedError, fc, fuzzParameters, jsonMutation, mutatedBytes } from '../../../test-support/fuzz';

describe('test-support/fuzz', () => {
  const bytes = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);

  it('applies each kind of byte mutation to a copy', () => {
    expect([...applyByteMutation(bytes, { kind: 'truncate', length: 3 })]).toEqual([1, 2, 3]);
    expect([...applyByteMutation(bytes, { kind: 'flip', at: 0, mask: 0xff })].slice(0, 2)).toEqual([254, 2]);
    expect([...applyByteMutation(bytes, { kind: 'field', field: { name: 'n', offset: 4, size: 4 }, value: 0x01020304n })].slice(4)).toEqual([4, 3, 2, 1]);
    expect([...applyByteMutation(bytes, { kind: 'insert', at: 1, bytes: Uint8Array.of(9) })]).toEqual([1, 9, 2, 3, 4, 5, 6, 7, 8]);
    expect([...applyByteMutation(bytes, { kind: 'remove', at: 6, count: 5 })]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...applyByteMutation(bytes, { kind: 'append', bytes: Uint8Array.of(0) })]).toHaveLength(9);
    expect([...bytes]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('duplicates a key so that JSON.parse keeps the last value', () => {
    const text = duplicateKey('{"a":1,"b":2}', 7);
    expect(text).toBe('{"a":7,"a":1,"b":2}');
    expect(JSON.parse(text)).toEqual({ a: 1, b: 2 });
  });

  it('generates mutations reproducibly from the fixed seed', () => {
    const a = fc.sample(mutatedBytes(bytes, [{ name: 'n', offset: 0, size: 8 }]), { seed: 1, numRuns: 20 });
    const b = fc.sample(mutatedBytes(bytes, [{ name: 'n', offset: 0, size: 8 }]), { seed: 1, numRuns: 20 });
    expect(a).toEqual(b);
    expect(fc.sample(jsonMutation({ x: [1, { y: 2 }] }), { seed: 1, numRuns: 20 }).every((m) => typeof m.text === 'string')).toBe(true);
    expect(fuzzParameters(7).numRuns).toBe(Number(process.env.FUZZ_RUNS) || 7);
  });

  it('accepts results and named errors, and fails engine errors, unnamed errors, hangs and runaway memory', async () => {
    await expect(expectAcceptedOrNamedError(() => 1, { named: /^f: / })).resolves.toBe('accepted');
    await expect(expectAcceptedOrNamedError(() => { throw new Error('f: bad'); }, { named: /^f: / })).resolves.toBe('refused');
    await expect(expectAcceptedOrNamedError(() => (undefined as unknown as { id: number }).id, { named: /^f: / })).rejects.toThrow(/engine error instead of a named one: TypeError/);
    await expect(expectAcceptedOrNamedError(() => { throw new Error('bad'); }, { named: /^f: / })).rejects.toThrow(/does not name its input/);
    await expect(expectAcceptedOrNamedError(() => new Promise(() => {}), { named: /^f: /, maxMs: 50 })).rejects.toThrow(/no answer within 50 ms/);
    await expect(expectAcceptedOrNamedError(() => new Uint8Array(64 * 2 ** 20).fill(1), { named: /^f: /, maxMemoryBytes: 2 ** 20 })).rejects.toThrow(/grew memory by/);
    await expect(expectAcceptedOrNamedError(() => 1, { named: /^f: /, accept: (v) => expect(v).toBe(2) })).rejects.toThrow();
  });
});
