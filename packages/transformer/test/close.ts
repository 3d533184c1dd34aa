import { expect } from 'vitest';

/** Asserts |a − e| ≤ tol + tol·|e| elementwise (the brief's abs+rel rule) and returns the max abs error. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-4, what = 'values'): number {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let maxErr = 0;
  let worst = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= tol + tol * Math.abs(expected[i])) && worst < 0) worst = i;
    if (err > maxErr || Number.isNaN(err)) maxErr = Number.isNaN(err) ? Infinity : err;
  }
  expect(worst, `${what}: first mismatch at ${worst}: ${actual[worst]} vs ${expected[worst]} (max abs error ${maxErr})`).toBe(-1);
  return maxErr;
}
