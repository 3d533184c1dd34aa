/**
 * IEEE half → float through a 65536-entry table (built once, on first use): the decoders call this once per
 * block scale, so it must be cheap.
 */
let table: Float32Array | null = null;

/** The float value of the half-precision bit pattern `bits` (exact; NaN and infinities included). */
export function half(bits: number): number {
  if (table === null) {
    table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) {
      const sign = h & 0x8000 ? -1 : 1;
      const exponent = (h >> 10) & 0x1f;
      const fraction = h & 0x3ff;
      if (exponent === 0) table[h] = sign * fraction * 2 ** -24;
      else if (exponent === 0x1f) table[h] = fraction ? NaN : sign * Infinity;
      else table[h] = sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
    }
  }
  return table[bits];
}
