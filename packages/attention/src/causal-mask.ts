import { causalMask as tensorCausalMask, type Tensor } from '@transformer-kit/tensor';

/**
 * A bool causal mask [seqQ, seqK]: true where key j is in the future of query i and may NOT be attended.
 * Query i sits at absolute position `queryOffset + i`, so a block of new queries after `queryOffset` cached
 * positions sees every cached key plus the new keys up to itself. The default offset, `seqK − seqQ`, is the
 * usual "the queries are the last seqQ positions of the keys". Tensor's `causalMask` with the offset checked
 * to be ≥ 0 (tensor's also takes negative offsets, a window and a backend).
 *
 * @example
 * ```ts
 * import { causalMask } from '@transformer-kit/attention';
 * causalMask(3, 3);    // [[F, T, T], [F, F, T], [F, F, F]]
 * causalMask(2, 5);    // queries at positions 3 and 4: [[F, F, F, F, T], [F, F, F, F, F]]
 * causalMask(1, 5, 2); // one query at position 2: [[F, F, F, T, T]]
 * ```
 */
export function causalMask(seqQ: number, seqK: number, queryOffset = seqK - seqQ): Tensor {
  checkSizes('causalMask', seqQ, seqK);
  if (!Number.isInteger(queryOffset) || queryOffset < 0) {
    throw new RangeError(`causalMask: queryOffset must be an integer ≥ 0, got ${queryOffset} (${seqQ} queries over ${seqK} keys)`);
  }
  return tensorCausalMask(seqQ, seqK, queryOffset); // tensor's mask, on the active backend
}

/** @internal Validates the sizes every mask builder takes. */
export function checkSizes(op: string, seqQ: number, seqK: number): void {
  if (!Number.isInteger(seqQ) || seqQ < 0 || !Number.isInteger(seqK) || seqK < 0) {
    throw new RangeError(`${op}: seqQ and seqK must be integers ≥ 0, got ${seqQ} and ${seqK}`);
  }
}
