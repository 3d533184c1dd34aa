import { quantizeQ8_0, writeGguf, type GgufTypedValue, type GgufValue } from '@transformer-kit/tensor';

/** A small valid GGUF: an F32 [2, 32] tensor and a Q8_0 [2, 32] tensor, and some metadata. */
export function smallGguf(metadata: Record<string, GgufValue | GgufTypedValue> = {}): { bytes: Uint8Array; f32: Float32Array; q8: Uint8Array } {
  const f32 = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i) * 0.5);
  const q8 = quantizeQ8_0(Float32Array.from({ length: 64 }, (_, i) => Math.cos(i)));
  const bytes = writeGguf({
    metadata: { 'general.architecture': 'llama', 'llama.block_count': 1, ...metadata },
    tensors: [
      { name: 'a.weight', shape: [2, 32], type: 0, data: new Uint8Array(f32.buffer) },
      { name: 'b.weight', shape: [2, 32], type: 8, data: q8 },
    ],
  });
  return { bytes, f32, q8 };
}

/** Byte offset of the first occurrence of `needle` (ASCII) in `bytes`. */
export function indexOfAscii(bytes: Uint8Array, needle: string, from = 0): number {
  const n = new TextEncoder().encode(needle);
  outer: for (let i = from; i <= bytes.length - n.length; i++) {
    for (let j = 0; j < n.length; j++) if (bytes[i + j] !== n[j]) continue outer;
    return i;
  }
  return -1;
}

/** The offset of tensor info `name`'s fields: after its name come u32 rank, rank × u64 dims, u32 type, u64 offset. */
export function tensorInfoAt(bytes: Uint8Array, name: string): { rank: number; dims: number; type: number; offset: number } {
  const at = indexOfAscii(bytes, name) + name.length;
  const rank = new DataView(bytes.buffer, bytes.byteOffset).getUint32(at, true);
  return { rank: at, dims: at + 4, type: at + 4 + 8 * rank, offset: at + 8 + 8 * rank };
}
