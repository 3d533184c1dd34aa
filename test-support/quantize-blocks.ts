// Test-only (never published): shared by packages/transformer/test/families-quantized.test.ts and the GPU test in
// apps/cli/test/gpu-models.test.ts.
/**
 * Float32 → Q4_K encoder (the tensor package ships Q8_0 and Q4_0). Q4_K writes valid blocks with a plain min/max fit per 32 values (not llama.cpp's
 * searched scales). The tests compare a quantized file with the float32 decoding of the same bytes, so what
 * matters is that the bytes are valid blocks, which tensor's decoders (bit-exact to ggml) then read.
 */

/** IEEE half bits of `v`, rounded to nearest even (subnormals included; these weights never overflow). */
function halfBits(v: number): number {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  const mant = (x & 0x7fffff) | 0x800000; // with the implicit 1
  if ((x & 0x7fffffff) === 0) return sign;
  const shift = exp > 0 ? 13 : 14 - exp; // normal: drop 13 bits; subnormal: shift further
  if (shift > 24) return sign;
  let h = mant >>> shift;
  const rem = mant & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rem > half || (rem === half && h & 1)) h++;
  return sign | (exp > 0 ? ((exp - 1) << 10) + h : h); // normal: h carries the implicit 1 into the exponent
}

/** The value of half bits `h`. */
function halfValue(h: number): number {
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  const v = e === 0 ? m * 2 ** -24 : (1 + m / 1024) * 2 ** (e - 15);
  return h & 0x8000 ? -v : v;
}

/** Q4_0 (ggml's `quantize_row_q4_0_ref`): shipped by the tensor package. */
export { quantizeQ4_0 } from '@transformer-kit/tensor';

/** Q4_K: super-blocks of 256 = d, dmin (f16), 12 bytes of 6-bit scales/mins for 8 sub-blocks, 128 bytes of nibbles. */
export function quantizeQ4_K(x: Float32Array): Uint8Array {
  const out = new Uint8Array((x.length / 256) * 144);
  for (let s = 0; s < x.length / 256; s++) {
    const v = x.subarray(s * 256, s * 256 + 256);
    const scale: number[] = [];
    const min: number[] = [];
    for (let j = 0; j < 8; j++) {
      const sub = v.subarray(j * 32, j * 32 + 32);
      const lo = Math.min(0, ...sub);
      scale.push((Math.max(...sub) - lo) / 15);
      min.push(-lo); // x ≈ scale·q − min, q in 0..15
    }
    const dh = halfBits(Math.max(...scale) / 63);
    const mh = halfBits(Math.max(...min) / 63);
    const [d, dmin] = [halfValue(dh), halfValue(mh)];
    const ls = scale.map((sc) => (d ? Math.min(63, Math.round(sc / d)) : 0));
    const lm = min.map((m) => (dmin ? Math.min(63, Math.round(m / dmin)) : 0));
    const o = s * 144;
    out.set([dh & 0xff, dh >> 8, mh & 0xff, mh >> 8], o);
    const scales = out.subarray(o + 4, o + 16);
    for (let j = 0; j < 8; j++) {
      // ggml's get_scale_min_k4 layout: 0..3 in the low 6 bits of bytes j and j+4, 4..7 split across bytes
      if (j < 4) {
        scales[j] = ls[j];
        scales[j + 4] = lm[j];
      } else {
        scales[j + 4] = (ls[j] & 0xf) | ((lm[j] & 0xf) << 4);
        scales[j - 4] |= (ls[j] >> 4) << 6;
        scales[j] |= (lm[j] >> 4) << 6;
      }
    }
    const q = Array.from(v, (value, i) => {
      const j = i >> 5;
      const step = Math.fround(d * ls[j]);
      return step ? Math.max(0, Math.min(15, Math.round((value + Math.fround(dmin * lm[j])) / step))) : 0;
    });
    // 64 values per 32 bytes: the low nibbles hold the first 32, the high nibbles the next 32
    for (let c = 0; c < 4; c++) for (let l = 0; l < 32; l++) out[o + 16 + c * 32 + l] = q[c * 64 + l] | (q[c * 64 + 32 + l] << 4);
  }
  return out;
}
