import { rotaryFrequencies, rotaryTables, sinusoidalTable as packageSinusoidalTable } from '@transformer-kit/positional';
import { applyRotary, tensor, tidy } from '@transformer-kit/tensor';
import type { RotaryPicture } from '../draw/rotary-pairs';
import type { Session } from './session';

/** The sinusoidal table [positions, dim] as numbers (from the positional package). */
export async function sinusoidalTable(positions: number, dim: number): Promise<Float32Array> {
  const table = packageSinusoidalTable(positions, dim); // [positions, dim]
  try {
    return Float32Array.from(await table.data());
  } finally {
    table.dispose();
  }
}

/**
 * The query of prompt token `index` (layer, head) before rotation, and the same vector rotated as if it stood
 * at each position 0 … positions − 1: rotary tables from the positional package, the rotation by tensor's
 * `applyRotary` in the model's layout — exactly what the model's attention does to it.
 */
export async function rotaryPicture(session: Session, positions: number, index: number, layer: number, head: number): Promise<RotaryPicture> {
  const { headDim, ropeTheta, ropeLayout } = session.info;
  const q = await session.query(index, layer, head); // [headDim]
  const n = Math.max(1, positions);
  const rotated = tidy(() => {
    const copies = new Float32Array(n * headDim); // the same query at every position: [n, headDim]
    for (let p = 0; p < n; p++) copies.set(q, p * headDim);
    const { cos, sin } = rotaryTables(n, headDim, { theta: ropeTheta }); // [n, headDim / 2] each
    return applyRotary(tensor(copies, [n, headDim]), cos, sin, ropeLayout); // [n, headDim]
  });
  const values = Float32Array.from(await rotated.data());
  rotated.dispose();
  // The picture draws pairs (2i, 2i+1); for the 'halves' layout, regroup (i, i + d/2) into that order.
  const pair = (v: Float32Array, base: number): Float32Array => {
    if (ropeLayout === 'interleaved') return v.slice(base, base + headDim);
    const out = new Float32Array(headDim);
    for (let i = 0; i < headDim / 2; i++) {
      out[2 * i] = v[base + i];
      out[2 * i + 1] = v[base + i + headDim / 2];
    }
    return out;
  };
  const regrouped = new Float32Array(n * headDim);
  for (let p = 0; p < n; p++) regrouped.set(pair(values, p * headDim), p * headDim);
  return { original: pair(q, 0), rotated: regrouped, positions: n, dim: headDim, frequencies: Array.from(rotaryFrequencies(headDim, ropeTheta)) };
}
