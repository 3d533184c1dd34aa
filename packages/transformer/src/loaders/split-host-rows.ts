/**
 * Splits a checkpoint matrix [rows, cols] into consecutive row ranges without decoding it. Exact for every
 * storage: a float32 matrix is cut between values, a packed one (f16/bf16, ggml's quantized blocks) between
 * rows, and a ggml row always holds whole blocks (ne0 is a multiple of the block size), so each part's bytes
 * are exactly the blocks of its rows. Phi-3's fused qkv and gate|up matrices are split this way.
 */
import { weightByteLength } from '@transformer-kit/tensor';
import { packedHostTensor } from './host-weight';
import type { HostTensor } from './weight-source';

/**
 * The parts of `t` [rows, cols] holding `counts[0]`, `counts[1]`, ... rows in order (the counts sum to rows);
 * packed parts stay packed (views of the same bytes), float32 parts are views of the same values.
 *
 * @example
 * ```ts
 * import { splitHostRows } from '@transformer-kit/transformer';
 * const [a, b] = splitHostRows('w', { data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [3, 2] }, [1, 2]);
 * console.log(a.shape, b.shape, b.data); // [ 1, 2 ] [ 2, 2 ] Float32Array(4) [ 3, 4, 5, 6 ]
 * ```
 */
export function splitHostRows(name: string, t: HostTensor, counts: readonly number[]): HostTensor[] {
  const [rows, cols] = t.shape;
  const total = counts.reduce((s, c) => s + c, 0);
  if (t.shape.length !== 2 || total !== rows || counts.some((c) => !Number.isInteger(c) || c <= 0)) {
    throw new RangeError(`${name}: cannot split [${t.shape.join(', ')}] into row counts [${counts.join(', ')}] (positive counts summing to the rows)`);
  }
  const parts: HostTensor[] = [];
  let start = 0;
  for (const count of counts) {
    const first = start;
    const shape = [count, cols];
    const values = () => t.data.subarray(first * cols, (first + count) * cols);
    if (t.packed) {
      const rowBytes = weightByteLength(t.packed.dtype, cols);
      parts.push(packedHostTensor(shape, t.packed.dtype, t.packed.bytes.subarray(first * rowBytes, (first + count) * rowBytes), values));
    } else {
      parts.push({ shape, data: values() });
    }
    start += count;
  }
  return parts;
}
