/**
 * Sinusoidal positions (Vaswani et al. 2017, section 3.5): position p, dimension pair i gets
 * PE(p, 2i) = sin(p / base^(2i/dim)), PE(p, 2i+1) = cos(p / base^(2i/dim)). Fixed, not learned, and defined for
 * every position, so there is no table limit: any length is computed on demand (in float64, stored as float32).
 * The encoder-decoder adds it to the embeddings (scaled by √dim) before the first layer.
 */
import { add, tensor, type Tensor } from '@transformer-kit/tensor';

/** Options of `sinusoidalTable`. */
export interface SinusoidalOptions {
  /** Position of the first row. Default 0. */
  readonly offset?: number;
  /** The base of the wavelengths. Default 10000 (the paper). */
  readonly base?: number;
}

/**
 * The sinusoidal table [length, dim] for positions offset … offset + length − 1. An odd `dim` ends with a sine.
 *
 * @example
 * ```ts
 * import { sinusoidalTable } from '@transformer-kit/positional';
 * const pe = sinusoidalTable(64, 16);                    // [64, 16]; row 0 = [0, 1, 0, 1, ...]
 * const later = sinusoidalTable(4, 16, { offset: 100000 }); // any position: no table limit
 * ```
 */
export function sinusoidalTable(length: number, dim: number, options: SinusoidalOptions = {}): Tensor {
  const offset = options.offset ?? 0;
  const base = options.base ?? 10000;
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`sinusoidalTable: length must be an integer ≥ 0, got ${length}`);
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`sinusoidalTable: dim must be an integer ≥ 1, got ${dim}`);
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`sinusoidalTable: offset must be an integer ≥ 0, got ${offset}`);
  if (!(base > 0)) throw new RangeError(`sinusoidalTable: base must be > 0, got ${base}`);
  const inverse = new Float64Array(Math.ceil(dim / 2));
  for (let i = 0; i < inverse.length; i++) inverse[i] = Math.pow(base, (-2 * i) / dim);
  const data = new Float32Array(length * dim);
  for (let p = 0; p < length; p++) {
    const pos = offset + p;
    for (let d = 0; d < dim; d++) {
      const angle = pos * inverse[d >> 1];
      data[p * dim + d] = d % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return tensor(data, [length, dim]);
}

/**
 * x [..., seq, dim] plus the sinusoidal positions of its rows (starting at `offset`).
 *
 * @example
 * ```ts
 * import { addSinusoidal } from '@transformer-kit/positional';
 * import { zeros } from '@transformer-kit/tensor';
 * const x = addSinusoidal(zeros([2, 5, 16])); // [2, 5, 16]: every batch row gets positions 0..4
 * ```
 */
export function addSinusoidal(x: Tensor, offset = 0, base = 10000): Tensor {
  if (x.rank < 2) throw new RangeError(`addSinusoidal: x must be [..., seq, dim], got [${x.shape.join(', ')}]`);
  const table = sinusoidalTable(x.shape[x.rank - 2], x.shape[x.rank - 1], { offset, base }); // [seq, dim]
  const out = add(x, table); // [..., seq, dim]
  table.dispose();
  return out;
}
