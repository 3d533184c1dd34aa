import type { Backend } from '../backend';
import { createCpuBackend } from '../cpu/cpu-backend';
import { setBackend } from '../engine';
import { conformanceCases } from './conformance-cases';
import type { ConformanceCase, ConformanceResult } from './conformance-case';

/**
 * Options of `runConformance`.
 *
 * @example
 * ```ts
 * import type { RunConformanceOptions } from '@transformer-kit/tensor/testing';
 * const onlyAttention: RunConformanceOptions = { filter: (name) => name.startsWith('attend') };
 * ```
 */
export interface RunConformanceOptions {
  /** Only cases whose name contains this string (or matches this RegExp, or passes this predicate). */
  readonly filter?: string | RegExp | ((name: string) => boolean);
  /** The cases to run; default `conformanceCases`. */
  readonly cases?: readonly ConformanceCase[];
}

/** @internal Whether a case name passes a filter. */
export function matchesFilter(name: string, filter: RunConformanceOptions['filter']): boolean {
  if (filter === undefined) return true;
  if (typeof filter === 'string') return name.includes(filter);
  if (filter instanceof RegExp) return filter.test(name);
  return filter(name);
}

/**
 * Runs the conformance cases on `backend`, one after another, and returns one result per case (it never
 * throws for a failing case). While it runs, a separate CPU backend is the active one, so an op that makes
 * tensors on the active backend instead of its inputs' backend fails; the previous active backend is restored.
 *
 * @example
 * ```ts
 * import { createCpuBackend } from '@transformer-kit/tensor';
 * import { runConformance } from '@transformer-kit/tensor/testing';
 * const results = await runConformance(createCpuBackend(), { filter: 'matmul' });
 * for (const r of results) if (!r.passed) console.error(r.name, r.message);
 * ```
 */
export async function runConformance(backend: Backend, options: RunConformanceOptions = {}): Promise<ConformanceResult[]> {
  const cases = (options.cases ?? conformanceCases).filter((c) => matchesFilter(c.name, options.filter));
  const decoy = createCpuBackend();
  const previous = setBackend(decoy);
  const results: ConformanceResult[] = [];
  try {
    for (const c of cases) results.push(await c.run(backend));
  } finally {
    if (previous) setBackend(previous);
    decoy.destroy?.();
  }
  return results;
}
