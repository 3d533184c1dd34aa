/** The comparison every parity case makes: |a − e| ≤ tol + tol·|e| elementwise, reporting the max abs error. */
export interface Comparison {
  readonly name: string;
  readonly maxAbsError: number;
  readonly pass: boolean;
}

/** Compares `actual` with `expected` at tolerance `tol` (absolute + relative). */
export function compare(name: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): Comparison {
  if (actual.length !== expected.length) return { name: `${name} (${actual.length} values, expected ${expected.length})`, maxAbsError: Infinity, pass: false };
  let maxAbsError = 0;
  let pass = true;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= tol + tol * Math.abs(expected[i]))) pass = false;
    if (Number.isNaN(err)) maxAbsError = Infinity;
    else if (err > maxAbsError) maxAbsError = err;
  }
  return { name, maxAbsError, pass };
}

/** Exact equality of integer sequences (greedy ids): error = the number of differing positions. */
export function compareExact(name: string, actual: ArrayLike<number>, expected: ArrayLike<number>): Comparison {
  let diff = Math.abs(actual.length - expected.length);
  for (let i = 0; i < Math.min(actual.length, expected.length); i++) if (actual[i] !== expected[i]) diff++;
  return { name, maxAbsError: diff, pass: diff === 0 };
}
