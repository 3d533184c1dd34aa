import type { Backend } from '../backend';
import { allocate } from '../dtype';
import type { Tensor } from '../tensor';
import { tensor } from './creation';
import { check } from './run-kernel';

/** Options of `causalMask`. */
export interface CausalMaskOptions {
  /** Also hide keys `window` or more positions before each query (a sliding window: Mistral, Gemma 2, Phi-3). */
  readonly window?: number;
  /** The backend the mask is made on. Default: the active backend. */
  readonly backend?: Backend;
}

/**
 * The bool causal mask [seqQ, seqK]: true where key j is hidden from query i, which sits at key position
 * p = queryOffset + i — after it (j > p) and, with a `window`, `window` or more positions before it
 * (j ≤ p − window). The default offset, seqK − seqQ, makes the queries the last seqQ positions of the keys.
 * Any integer offset is allowed: a block of a larger score matrix (memory-efficient attention) can start
 * before its queries (a negative offset: those rows see no key), and `triu`/`tril` are this mask with the
 * diagonal's offset. Made on `options.backend` so an op on another backend's tensors can use it.
 *
 * @example
 * ```ts
 * import { causalMask } from '@transformer-kit/tensor';
 * causalMask(3, 3);                   // [[F, T, T], [F, F, T], [F, F, F]]
 * causalMask(1, 5, 2);                // one query at position 2: [[F, F, F, T, T]]
 * causalMask(2, 4, 2, { window: 2 }); // [[T, F, F, T], [T, T, F, F]]
 * ```
 */
export function causalMask(seqQ: number, seqK: number, queryOffset = seqK - seqQ, options: CausalMaskOptions = {}): Tensor {
  check(Number.isInteger(seqQ) && seqQ >= 0 && Number.isInteger(seqK) && seqK >= 0, 'causalMask', () => `seqQ and seqK must be integers ≥ 0, got ${seqQ} and ${seqK}`);
  check(Number.isInteger(queryOffset), 'causalMask', () => `queryOffset must be an integer, got ${queryOffset}`);
  const { window } = options;
  check(window === undefined || (Number.isInteger(window) && window >= 1), 'causalMask', () => `window must be an integer ≥ 1, got ${window}`);
  const data = allocate('bool', seqQ * seqK);
  for (let i = 0; i < seqQ; i++) {
    const p = queryOffset + i;
    const row = i * seqK;
    // keys 0 … p − window are too far back, keys p + 1 … are in the future
    for (let j = 0, end = window === undefined ? 0 : Math.min(seqK, p - window + 1); j < end; j++) data[row + j] = 1;
    for (let j = Math.max(0, p + 1); j < seqK; j++) data[row + j] = 1;
  }
  return tensor(data, [seqQ, seqK], 'bool', options.backend);
}
