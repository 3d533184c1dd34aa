import { describe, expect, it } from 'vitest';
import { readSafetensors, bfloat16ToFloat32, float16ToFloat32 } from '@transformer-kit/tensor';
import { assemble, buildSafetensors, le } from './safetensors-build';

const f32 = (v: number[]) => le(4, v, (d, at, x: number) => d.setFloat32(at, x, true));
const u16 = (v: number[]) => le(2, v, (d, at, x: number) => d.setUint16(at, x, true));

describe('readSafetensors: hand-made files with known values', () => {
  it('F16: normals, subnormals, ±Infinity, NaN, -0 (IEEE 754 binary16)', () => {
    const bits = [0x3c00, 0xc000, 0x3555, 0x7bff, 0x0001, 0x0400, 0x7c00, 0xfc00, 0x7e00, 0x8000];
    const file = readSafetensors(buildSafetensors({ h: { dtype: 'F16', shape: [2, 5], bytes: u16(bits) } }));
    const values = file.read('h');
    expect(values).toBeInstanceOf(Float32Array);
    expect(Array.from(values)).toEqual([1, -2, 0.333251953125, 65504, 2 ** -24, 2 ** -14, Infinity, -Infinity, NaN, -0]);
    expect(file.entry('h')).toMatchObject({ fileDType: 'F16', dtype: 'float32', shape: [2, 5] });
  });
  it('BF16: the top half of a float32', () => {
    const bits = [0x3f80, 0xc040, 0x4049, 0x7f80, 0xff80, 0x0001, 0x7fc0];
    const values = readSafetensors(buildSafetensors({ b: { dtype: 'BF16', shape: [7], bytes: u16(bits) } })).read('b');
    expect(Array.from(values)).toEqual([1, -3, 3.140625, Infinity, -Infinity, 2 ** -133, NaN]);
  });
  it('F64, I64, I32, I16, I8, U8, BOOL widen to float32 / int32 / bool', () => {
    const file = readSafetensors(
      buildSafetensors({
        d: { dtype: 'F64', shape: [2], bytes: le(8, [1 / 3, -1e300], (v, at, x: number) => v.setFloat64(at, x, true)) },
        l: { dtype: 'I64', shape: [4], bytes: le(8, [0n, -1n, 2147483647n, -2147483648n], (v, at, x: bigint) => v.setBigInt64(at, x, true)) },
        i: { dtype: 'I32', shape: [3], bytes: le(4, [7, -7, 123456789], (v, at, x: number) => v.setInt32(at, x, true)) },
        s: { dtype: 'I16', shape: [2], bytes: le(2, [-32768, 32767], (v, at, x: number) => v.setInt16(at, x, true)) },
        c: { dtype: 'I8', shape: [2], bytes: new Uint8Array([0x80, 0x7f]) },
        u: { dtype: 'U8', shape: [3], bytes: new Uint8Array([0, 255, 128]) },
        m: { dtype: 'BOOL', shape: [1, 3], bytes: new Uint8Array([1, 0, 1]) },
      }),
    );
    expect(Array.from(file.read('d'))).toEqual([Math.fround(1 / 3), -Infinity]);
    expect(file.read('l')).toEqual(Int32Array.from([0, -1, 2147483647, -2147483648]));
    expect(file.read('i')).toEqual(Int32Array.from([7, -7, 123456789]));
    expect(file.read('s')).toEqual(Int32Array.from([-32768, 32767]));
    expect(file.read('c')).toEqual(Int32Array.from([-128, 127]));
    expect(file.read('u')).toEqual(Int32Array.from([0, 255, 128]));
    expect(file.read('m')).toEqual(Uint8Array.from([1, 0, 1]));
    expect(file.names).toEqual(['d', 'l', 'i', 's', 'c', 'u', 'm']);
    expect(file.entry('m')?.dtype).toBe('bool');
    expect(file.entry('u')?.dtype).toBe('int32');
  });
  it('F32 with metadata, an empty tensor, from an unaligned view into a larger buffer', async () => {
    const bytes = buildSafetensors(
      { w: { dtype: 'F32', shape: [2, 2], bytes: f32([1.5, -2, 3, 1e-3]) }, e: { dtype: 'F32', shape: [0, 4], bytes: new Uint8Array(0) } },
      { format: 'pt', config: '{"a": 1}' },
      3,
    );
    const big = new Uint8Array(bytes.length + 5);
    big.set(bytes, 3);
    const file = readSafetensors(big.subarray(3, 3 + bytes.length));
    expect(file.metadata).toEqual({ format: 'pt', config: '{"a": 1}' });
    const w = file.tensor('w');
    expect(w.shape).toEqual([2, 2]);
    expect(Array.from(await w.data())).toEqual([1.5, -2, 3, Math.fround(1e-3)]);
    w.dispose();
    expect(file.read('e').length).toBe(0);
    // an ArrayBuffer works as well as a view
    expect(Array.from(readSafetensors(bytes.slice().buffer).read('w'))).toEqual([1.5, -2, 3, Math.fround(1e-3)]);
  });
  it('float16ToFloat32 / bfloat16ToFloat32 agree with a reference over every finite half', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const widened = float16ToFloat32(all);
    for (let h = 0; h < 65536; h++) {
      const exponent = (h >> 10) & 31;
      const mantissa = h & 1023;
      const sign = h >> 15 ? -1 : 1;
      const expected = exponent === 31 ? (mantissa ? NaN : sign * Infinity) : sign * (exponent ? 1 + mantissa / 1024 : mantissa / 1024) * 2 ** ((exponent || 1) - 15);
      if (!Object.is(widened[h], expected)) throw new Error(`half 0x${h.toString(16)}: ${widened[h]} vs ${expected}`);
    }
    const view = new DataView(new ArrayBuffer(4));
    for (const bits of [0x3f80, 0x4049, 0xc2f7, 0x0080]) {
      view.setUint32(0, bits << 16);
      expect(bfloat16ToFloat32(Uint16Array.of(bits))[0]).toBe(view.getFloat32(0));
    }
  });
});

describe('readSafetensors: broken files are errors that name the problem', () => {
  const good = () => buildSafetensors({ x: { dtype: 'F32', shape: [3], bytes: f32([1, 2, 3]) } });
  it('truncated before the 8-byte header length', () => {
    expect(() => readSafetensors(new Uint8Array(5))).toThrow(/truncated: 5 bytes, the 8-byte header length is missing/);
  });
  it('truncated inside the header', () => {
    const bytes = good();
    expect(() => readSafetensors(bytes.subarray(0, 20))).toThrow(/truncated: the header says it is \d+ bytes but only 12 follow/);
  });
  it('truncated inside the data', () => {
    const bytes = good();
    expect(() => readSafetensors(bytes.subarray(0, bytes.length - 4))).toThrow(/truncated: tensor 'x' ends at byte 12 of the data section, which has only 8 bytes/);
  });
  it('a header length far beyond the file', () => {
    const bytes = good();
    new DataView(bytes.buffer).setBigUint64(0, 2n ** 40n, true);
    expect(() => readSafetensors(bytes)).toThrow(/header says it is 1099511627776 bytes/);
  });
  it('offsets that end before they begin', () => {
    const bytes = buildSafetensors({ x: { dtype: 'F32', shape: [1], bytes: f32([1, 2]), offsets: [8, 4] } });
    expect(() => readSafetensors(bytes)).toThrow(/tensor 'x': data_offsets \[8, 4\] end before they begin/);
  });
  it('a byte range that does not match dtype × shape', () => {
    const bytes = buildSafetensors({ x: { dtype: 'F32', shape: [3], bytes: f32([1, 2]) } });
    expect(() => readSafetensors(bytes)).toThrow(/tensor 'x': header says 8 bytes but F32 \[3\] needs 12/);
  });
  it('offsets beyond the end of the file', () => {
    const bytes = buildSafetensors({ x: { dtype: 'F32', shape: [3], bytes: f32([1, 2, 3]), offsets: [100, 112] } });
    expect(() => readSafetensors(bytes)).toThrow(/tensor 'x' ends at byte 112 of the data section, which has only 12 bytes/);
  });
  it('offsets that are not two non-negative integers', () => {
    const bytes = buildSafetensors({ x: { dtype: 'F32', shape: [1], bytes: f32([1]), offsets: [-4, 0] } });
    expect(() => readSafetensors(bytes)).toThrow(/tensor 'x' has invalid data_offsets \[-4,0\]/);
  });
  it('an unknown dtype', () => {
    const bytes = buildSafetensors({ q: { dtype: 'Q4_K', shape: [2], bytes: new Uint8Array(2) } });
    expect(() => readSafetensors(bytes)).toThrow(/tensor 'q' has unknown dtype "Q4_K" \(supported: F64, F32, F16, BF16/);
  });
  it('an invalid shape', () => {
    const bytes = buildSafetensors({ x: { dtype: 'F32', shape: [-1], bytes: new Uint8Array(0) } });
    expect(() => readSafetensors(bytes)).toThrow(/tensor 'x' has an invalid shape \[-1\]/);
  });
  it('a header that is not JSON, or not an object', () => {
    expect(() => readSafetensors(assemble(new TextEncoder().encode('{"x": {"dtype": "F32",'), []))).toThrow(/header is not valid JSON/);
    expect(() => readSafetensors(assemble(new TextEncoder().encode('[1, 2]'), []))).toThrow(/header is not a JSON object/);
  });
  it('an I64 value that does not fit int32 names the tensor and element', () => {
    const bytes = buildSafetensors({ ids: { dtype: 'I64', shape: [2], bytes: le(8, [1n, 2n ** 40n], (v, at, x: bigint) => v.setBigInt64(at, x, true)) } });
    expect(() => readSafetensors(bytes).read('ids')).toThrow(/tensor 'ids': I64 value 1099511627776 \(element 1\) does not fit int32/);
  });
  it('a missing tensor names itself and lists what the file has', () => {
    const file = readSafetensors(good());
    expect(() => file.read('y')).toThrow(/no tensor 'y' in this file \(it has: x\)/);
    expect(() => file.tensor('y')).toThrow(/no tensor 'y'/);
    expect(file.entry('y')).toBeUndefined();
  });
});
