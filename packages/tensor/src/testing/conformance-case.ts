import type { Backend } from '../backend';
import { memory } from '../engine';
import { CaseContext, ConformanceMismatch } from './case-context';
import { withoutFusedKernels } from './without-fused-kernels';

/**
 * The outcome of one conformance case on one backend.
 *
 * @example
 * ```ts
 * import type { ConformanceResult } from '@transformer-kit/tensor/testing';
 * const report = (r: ConformanceResult) => (r.passed ? `ok ${r.name}` : `FAIL ${r.name}: ${r.message}`);
 * ```
 */
export interface ConformanceResult {
  /** The case's name, e.g. `'matmul: transposeB, M = 1 (decode step)'`. */
  readonly name: string;
  readonly passed: boolean;
  /** The largest |actual − expected| / (1 + |expected|) seen (comparable to `backend.tolerance`); 0 for exact checks. */
  readonly maxError: number;
  /** Why it failed ('' when it passed). */
  readonly message: string;
}

/**
 * One conformance case: builds inputs on the backend it is given, runs an op, reads the result back and
 * compares it to a golden value computed independently (by hand, in closed form, or by a float64 reference
 * implementation in the case). It also fails when the case leaves tensors or backend storages alive.
 */
export interface ConformanceCase {
  readonly name: string;
  /** Runs the case; never throws (a failure is a result with `passed: false`). */
  run(backend: Backend): Promise<ConformanceResult>;
}

/**
 * Options of `defineCase`.
 *
 * @example
 * ```ts
 * import type { DefineCaseOptions } from '@transformer-kit/tensor/testing';
 * const options: DefineCaseOptions = { fused: true }; // also run the case over the composites
 * ```
 */
export interface DefineCaseOptions {
  /**
   * The case exercises a fused kernel (softmax, layerNorm, rmsNorm, gelu, silu, rotary, attention): a twin
   * case named `<name> [composite]` runs it again with the backend's fused kernels hidden, so the composite
   * fallback over the primitives is held to the same golden values.
   */
  readonly fused?: boolean;
}

/**
 * Builds conformance case(s) from a body that checks with a CaseContext (and its twin over the composite
 * path when `fused`).
 *
 * @example
 * ```ts
 * import { add } from '@transformer-kit/tensor';
 * import { defineCase, runConformance } from '@transformer-kit/tensor/testing';
 * const cases = defineCase('add: 1 + 2', async (c) => {
 *   await c.expect('sum', add(c.tensor([1], [1]), 2), { shape: [1], values: [3] });
 * });
 * ```
 */
export function defineCase(name: string, body: (c: CaseContext) => Promise<void>, options: DefineCaseOptions = {}): ConformanceCase[] {
  const direct: ConformanceCase = { name, run: (backend) => runBody(name, backend, body) };
  if (!options.fused) return [direct];
  const composite = `${name} [composite]`;
  return [direct, { name: composite, run: (backend) => runBody(composite, withoutFusedKernels(backend), body) }];
}

async function runBody(name: string, backend: Backend, body: (c: CaseContext) => Promise<void>): Promise<ConformanceResult> {
  const tensorsBefore = memory().numTensors;
  const storagesBefore = backend.liveDataCount();
  const c = new CaseContext(backend);
  let failure: ConformanceResult | null = null;
  try {
    await body(c);
  } catch (error) {
    const maxError = error instanceof ConformanceMismatch ? error.maxError : c.maxError;
    const message = error instanceof Error ? `${error.name === 'ConformanceMismatch' ? '' : `${error.name}: `}${error.message}` : String(error);
    failure = { name, passed: false, maxError, message };
  } finally {
    c.dispose();
  }
  if (failure) return failure;
  const leakedTensors = memory().numTensors - tensorsBefore;
  const leakedStorages = backend.liveDataCount() - storagesBefore;
  if (leakedTensors !== 0 || leakedStorages !== 0) {
    return { name, passed: false, maxError: c.maxError, message: `leaked ${leakedTensors} tensor(s) and ${leakedStorages} backend storage(s)` };
  }
  return { name, passed: true, maxError: c.maxError, message: '' };
}
