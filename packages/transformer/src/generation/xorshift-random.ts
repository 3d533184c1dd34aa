/**
 * llama2.c's random number generator (`run.c`), so a seed gives the same samples as `run -s <seed>`:
 *
 *   random_u32: state ^= state >> 12; state ^= state << 25; state ^= state >> 27;
 *               return (state * 0x2545F4914F6CDD1D) >> 32;      // xorshift64* on a uint64
 *   random_f32: (random_u32() >> 8) / 16777216.0f
 *
 * The state is a uint64, kept as a BigInt: one call per sampled token, so its cost does not matter.
 */
const MASK = (1n << 64n) - 1n;
const MULTIPLIER = 0x2545f4914f6cdd1dn;

/**
 * A seeded xorshift64* generator, bit-compatible with llama2.c's sampler.
 *
 * @example
 * ```ts
 * import { XorShiftRandom } from '@transformer-kit/transformer';
 * const rng = new XorShiftRandom(133742);
 * rng.nextFloat(); // in [0, 1), the same value llama2.c's random_f32 gives for this seed
 * ```
 */
export class XorShiftRandom {
  #state: bigint;

  /** `seed` is a positive integer (0 would make xorshift emit zeros forever). */
  constructor(seed: number | bigint) {
    const s = BigInt.asUintN(64, BigInt(seed));
    if (s === 0n) throw new RangeError('XorShiftRandom: the seed must be nonzero (xorshift never leaves state 0)');
    this.#state = s;
  }

  /** The next uint32 (llama2.c's random_u32). */
  nextUint32(): number {
    let s = this.#state;
    s ^= s >> 12n;
    s ^= (s << 25n) & MASK;
    s ^= s >> 27n;
    this.#state = s;
    return Number(((s * MULTIPLIER) & MASK) >> 32n);
  }

  /** The next float in [0, 1) with 24 random bits (llama2.c's random_f32). */
  nextFloat(): number {
    return (this.nextUint32() >>> 8) / 16777216;
  }
}
