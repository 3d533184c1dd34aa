import { describe, expect, it } from 'vitest';
import { allSafetensors, loadFixture, missingFixtures } from './fixture-files';

/**
 * Every PyTorch fixture read by readSafetensors and by an independent decoder (DataView over the raw bytes,
 * the header parsed on its own): both must give the same dtype, shape and bits for every tensor.
 */
const skip = missingFixtures();
if (skip) console.warn(skip);

function decodeIndependently(bytes: Uint8Array): Map<string, { dtype: string; shape: number[]; values: number[] }> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const out = new Map<string, { dtype: string; shape: number[]; values: number[] }>();
  for (const [name, e] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const start = 8 + headerLength + e.data_offsets[0];
    const count = e.shape.reduce((a, b) => a * b, 1);
    const values: number[] = [];
    for (let i = 0; i < count; i++) {
      if (e.dtype === 'F32') values.push(view.getFloat32(start + 4 * i, true));
      else if (e.dtype === 'I32') values.push(view.getInt32(start + 4 * i, true));
      else if (e.dtype === 'I64') values.push(Number(view.getBigInt64(start + 8 * i, true)));
      else if (e.dtype === 'U8' || e.dtype === 'BOOL') values.push(view.getUint8(start + i));
      else throw new Error(`fixture dtype ${e.dtype} not handled by this test's decoder`);
    }
    out.set(name, { dtype: e.dtype, shape: e.shape, values });
  }
  return out;
}

describe.skipIf(Boolean(skip))('every fixture file reads the same as an independent decoder', () => {
  const files = allSafetensors();
  it('finds the fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });
  for (const relative of files) {
    it(relative, () => {
      const { file, bytes } = loadFixture(relative);
      const reference = decodeIndependently(bytes);
      expect(file.names.slice().sort()).toEqual([...reference.keys()].sort());
      for (const [name, ref] of reference) {
        const entry = file.entry(name)!;
        expect(entry.fileDType).toBe(ref.dtype);
        expect(entry.shape).toEqual(ref.shape);
        const values = file.read(name);
        expect(values.length).toBe(ref.values.length);
        for (let i = 0; i < values.length; i++) {
          if (!Object.is(values[i], ref.values[i]) && !(Number.isNaN(values[i]) && Number.isNaN(ref.values[i]))) {
            throw new Error(`${relative} ${name}[${i}]: ${values[i]} vs ${ref.values[i]}`);
          }
        }
      }
    });
  }
});
