import type { Backend } from '../backend';
import { conformanceCases } from './conformance-cases';
import { matchesFilter, runConformance, type RunConformanceOptions } from './run-conformance';

/**
 * The parts of a test framework `describeConformance` needs; vitest's (and jest's) `describe`, `it`, `expect`
 * and `afterAll` fit. Passed in, so this module never imports a test framework and also runs in a browser.
 *
 * @example
 * ```ts no-run (imports vitest: it only runs inside a vitest test file)
 * import { describe, it, expect, afterAll } from 'vitest';
 * import type { ConformanceTestApi } from '@transformer-kit/tensor/testing';
 * const api: ConformanceTestApi = { describe, it, expect, afterAll };
 * ```
 */
export interface ConformanceTestApi {
  /** Groups the cases (vitest's `describe`). */
  describe(name: string, fn: () => void): void;
  /** Registers one case as a test (vitest's `it`). */
  it(name: string, fn: () => Promise<void>, timeout?: number): void;
  /** Asserts a case passed (vitest's `expect(...).toBe`). */
  expect(value: unknown): {
    /** Fails the test unless the value is `expected`. */
    toBe(expected: unknown): void;
  };
  /** Destroys the backend after the last case (vitest's `afterAll`). */
  afterAll?(fn: () => void | Promise<void>): void;
}

/**
 * Options of `describeConformance`.
 *
 * @example
 * ```ts
 * import type { DescribeConformanceOptions } from '@transformer-kit/tensor/testing';
 * const options: DescribeConformanceOptions = { title: 'conformance: gpu.js', timeout: 120_000 };
 * ```
 */
export interface DescribeConformanceOptions extends RunConformanceOptions {
  /** The describe block's title; default 'conformance'. */
  readonly title?: string;
  /** Per-case timeout in milliseconds (a GPU backend compiles kernels on first use). Default 60000. */
  readonly timeout?: number;
}

/**
 * Registers one test per conformance case. The backend is created once, on the first test, and destroyed
 * after the last (when `afterAll` is given). A failing test shows the case's message: the element, the
 * value it got and the golden value.
 *
 * @example
 * ```ts no-run (a vitest test file: it registers tests, so it runs under vitest, as packages/tensor/test/conformance-cpu.test.ts does)
 * // test/conformance.test.ts
 * import { describe, it, expect, afterAll } from 'vitest';
 * import { createCpuBackend } from '@transformer-kit/tensor';
 * import { describeConformance } from '@transformer-kit/tensor/testing';
 * describeConformance(() => createCpuBackend(), { describe, it, expect, afterAll });
 * ```
 */
export function describeConformance(createBackend: () => Backend | Promise<Backend>, api: ConformanceTestApi, options: DescribeConformanceOptions = {}): void {
  let backend: Promise<Backend> | null = null;
  const get = () => (backend ??= Promise.resolve(createBackend()));
  const cases = (options.cases ?? conformanceCases).filter((c) => matchesFilter(c.name, options.filter));
  api.describe(options.title ?? 'conformance', () => {
    for (const c of cases) {
      api.it(
        c.name,
        async () => {
          const [result] = await runConformance(await get(), { cases: [c] });
          // NOTE: compare the message, not the flag, so the failure output says what went wrong.
          api.expect(result.passed ? 'passed' : result.message).toBe('passed');
        },
        options.timeout ?? 60_000,
      );
    }
    api.afterAll?.(async () => {
      if (backend) (await backend).destroy?.();
    });
  });
}
