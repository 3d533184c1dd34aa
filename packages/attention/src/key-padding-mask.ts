import { allocate, tensor, type Tensor } from '@transformer-kit/tensor';

/**
 * A bool key-padding mask [batch, 1, 1, seqK] (broadcasts over heads and queries) from each sequence's real
 * length: keys at positions ≥ lengths[b] are padding and may NOT be attended (true). This is PyTorch's
 * `key_padding_mask` [batch, seqK] given the shape attention broadcasts; a [batch, seqK] bool tensor in
 * PyTorch's convention (true = padding) can also be passed and is reshaped.
 *
 * @example
 * ```ts
 * import { keyPaddingMask } from '@transformer-kit/attention';
 * import { tensor } from '@transformer-kit/tensor';
 * keyPaddingMask([3, 5], 5);                                               // [2, 1, 1, 5]: row 0 hides keys 3, 4
 * keyPaddingMask(tensor([0, 0, 1, 0, 0, 0], [2, 3], 'bool'));              // the same layout from PyTorch's mask
 * ```
 */
export function keyPaddingMask(lengthsOrMask: readonly number[] | Tensor, seqK?: number): Tensor {
  if (!Array.isArray(lengthsOrMask)) {
    const m = lengthsOrMask as Tensor;
    if (m.rank !== 2 || m.dtype !== 'bool') {
      throw new RangeError(`keyPaddingMask: expected a bool [batch, seqK] mask (true = padding), got ${m.dtype} [${m.shape.join(', ')}]`);
    }
    return m.reshape([m.shape[0], 1, 1, m.shape[1]]); // [batch, 1, 1, seqK]
  }
  const lengths = lengthsOrMask as readonly number[];
  const n = seqK ?? Math.max(0, ...lengths);
  const data = allocate('bool', lengths.length * n);
  lengths.forEach((len, b) => {
    if (!Number.isInteger(len) || len < 0 || len > n) {
      throw new RangeError(`keyPaddingMask: length ${len} of sequence ${b} is not an integer in 0..${n}`);
    }
    for (let j = len; j < n; j++) data[b * n + j] = 1;
  });
  return tensor(data, [lengths.length, 1, 1, n], 'bool'); // [batch, 1, 1, seqK]
}
