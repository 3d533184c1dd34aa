// The safetensors fuzz suite (issue #12): mutated files are either accepted with the tensors the file states
// (checked against an independent reading: JSON.parse of the header and the raw bytes at the offsets) or
// refused with an error naming the format, within a time and memory bound. FUZZ_RUNS=<n> runs more cases.
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '@transformer-kit/tensor';
import { expectAcceptedOrNamedError, fc, fuzzParameters, jsonMutation, mutatedBytes, type ByteField } from '../../../test-support/fuzz';
import { assemble, buildSafetensors, le } from './safetensors-build';

const f32 = (v: number[]) => le(4, v, (d, at, x: number) => d.setFloat32(at, x, true));
const u16 = (v: number[]) => le(2, v, (d, at, x: number) => d.setUint16(at, x, true));
const ORIGINAL = buildSafetensors(
  {
    'wte.weight': { dtype: 'F32', shape: [3, 2], bytes: f32([0.5, -1, 2, 3.25, -0.125, 7]) },
    'ln.bias': { dtype: 'F16', shape: [2], bytes: u16([0x3c00, 0xc000]) },
    'ids': { dtype: 'I32', shape: [2], bytes: le(4, [7, -9], (d, at, x: number) => d.setInt32(at, x, true)) },
  },
  { format: 'pt' },
  5,
);
const HEADER_LENGTH: ByteField = { name: 'header length', offset: 0, size: 8 };

/** What the file states, read without our reader: JSON.parse of the header, the raw bytes at the offsets. */
function stated(bytes: Uint8Array) {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  delete header.__metadata__;
  return { n, header };
}

function readAll(bytes: Uint8Array) {
  const file = readSafetensors(bytes);
  return { file, values: Object.fromEntries(file.names.map((name) => [name, Array.from(file.read(name))])) };
}

/** Accepted ⇒ the reader returns exactly what the file states, and the tensors tile the data exactly (the spec). */
function sameAsStated(bytes: Uint8Array, { file }: ReturnType<typeof readAll>): void {
  const { n, header } = stated(bytes);
  expect([...file.names].sort()).toEqual(Object.keys(header).sort());
  let total = 0;
  for (const name of file.names) {
    const e = file.entry(name)!;
    const h = header[name];
    expect([e.fileDType, [...e.shape], e.begin, e.end]).toEqual([h.dtype, h.shape, 8 + n + h.data_offsets[0], 8 + n + h.data_offsets[1]]);
    if (e.fileDType === 'F32') expect(Buffer.from(new Float32Array(file.read(name) as Float32Array).buffer)).toEqual(Buffer.from(bytes.subarray(e.begin, e.end)));
    total += e.end - e.begin;
  }
  expect(8 + n + total).toBe(bytes.byteLength);
}

describe('safetensors fuzz', () => {
  it('the original is read as written', () => {
    const { values } = readAll(ORIGINAL);
    expect(values).toEqual({ 'wte.weight': [0.5, -1, 2, 3.25, -0.125, 7], 'ln.bias': [1, -2], ids: [7, -9] });
  });

  it('byte mutations (truncation, flips, inserted/removed bytes, header-length lies): accepted as stated or a named error', async () => {
    const outcomes = { accepted: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(mutatedBytes(ORIGINAL, [HEADER_LENGTH]), async ({ bytes }) => {
        outcomes[await expectAcceptedOrNamedError(() => readAll(bytes), { named: /^safetensors: /, accept: (r) => sameAsStated(bytes, r) })]++;
      }),
      fuzzParameters(1000),
    );
    expect(outcomes.refused).toBeGreaterThan(0);
    expect(outcomes.accepted).toBeGreaterThan(0); // data-section flips stay valid files
  });

  it('header JSON mutations (hostile values, removed and duplicated keys, truncation): accepted as stated or a named error', async () => {
    const { n } = stated(ORIGINAL);
    const headerJson = JSON.parse(new TextDecoder().decode(ORIGINAL.subarray(8, 8 + n))) as unknown;
    const data = ORIGINAL.subarray(8 + n);
    await fc.assert(
      fc.asyncProperty(jsonMutation(headerJson), async ({ text }) => {
        const bytes = assemble(new TextEncoder().encode(text), [data]);
        await expectAcceptedOrNamedError(() => readAll(bytes), { named: /^safetensors: /, accept: (r) => sameAsStated(bytes, r) });
      }),
      fuzzParameters(1000),
    );
  });
});
