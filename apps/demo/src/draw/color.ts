/**
 * Colour maps for the pictures. Sequential values (probabilities, attention weights) use viridis, which reads
 * the same in greyscale and to colour-blind eyes; signed values (embedding coordinates, rotated pairs) use a
 * blue–white–red diverging map centred on zero.
 */

type RGB = readonly [number, number, number];

// Viridis sampled at 9 stops (matplotlib's table), interpolated linearly in between.
const VIRIDIS: readonly RGB[] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

const DIVERGING: readonly RGB[] = [
  [33, 102, 172],
  [103, 169, 207],
  [209, 229, 240],
  [247, 247, 247],
  [253, 219, 199],
  [239, 138, 98],
  [178, 24, 43],
];

function interpolate(stops: readonly RGB[], t: number): RGB {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i];
  const b = stops[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** Lookup tables for the image-based heat maps: 1024 steps, so a cell is within ½ step of the exact colour. */
const STEPS = 1024;
function table(stops: readonly RGB[]): Uint8ClampedArray {
  const t = new Uint8ClampedArray(STEPS * 4);
  for (let i = 0; i < STEPS; i++) {
    const [r, g, b] = interpolate(stops, i / (STEPS - 1));
    t.set([Math.round(r), Math.round(g), Math.round(b), 255], i * 4);
  }
  return t;
}
/** [STEPS × RGBA] viridis and diverging tables, indexed by {@link lutIndex}. */
export const SEQUENTIAL_LUT = table(VIRIDIS);
export const DIVERGING_LUT = table(DIVERGING);
/** t in [0, 1] → the table's row (NaN → 0). */
export function lutIndex(t: number): number {
  // NOTE: `t > 0` is false for NaN, so NaN lands on 0 like a negative value.
  return t > 0 ? (t < 1 ? Math.round(t * (STEPS - 1)) : STEPS - 1) : 0;
}

function css([r, g, b]: RGB): string {
  return `rgb(${Math.round(r)},${Math.round(g)},${Math.round(b)})`;
}

/** t in [0, 1] → a viridis CSS colour. */
export function sequential(t: number): string {
  return css(interpolate(VIRIDIS, t));
}

/** v in [-1, 1] → blue (negative), white (0), red (positive). */
export function diverging(v: number): string {
  return css(interpolate(DIVERGING, (v + 1) / 2));
}

/** A readable text colour (black or white) on top of viridis at t. */
export function textOnSequential(t: number): string {
  return t > 0.55 ? '#111' : '#fff';
}

/** Eight distinguishable hues for token highlights (cycled), pale enough to read black text on. */
export const TOKEN_HUES: readonly string[] = [
  '#fde2b3',
  '#c8e6c9',
  '#bbdefb',
  '#f8bbd0',
  '#d1c4e9',
  '#ffe0b2',
  '#b2dfdb',
  '#f0f4c3',
];
