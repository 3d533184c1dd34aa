// Test-only helpers shared by the packages' fixture tests (attention, embedding, positional): one copy,
// imported by relative path from each package's test/helpers/fixtures.ts. Never published.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readSafetensors, type SafetensorsFile, type Tensor } from '@transformer-kit/tensor';
import { expect } from 'vitest';

/** `<repo>/../shared`, where CI keeps the reference data. */
export const sharedDir = resolve(import.meta.dirname, '../../shared');

/** The fixture file's path, or null (with a message naming it) when shared/ is absent. */
export function fixturePath(relative: string): string | null {
  const path = resolve(sharedDir, 'fixtures', relative);
  if (!existsSync(path)) {
    console.warn(`skipping: ${path} is missing (the reference data lives in ../shared beside the repository)`);
    return null;
  }
  return path;
}

/** A fixture and its parsed `__metadata__.config`. */
export interface Fixture {
  file: SafetensorsFile;
  config: Record<string, unknown>;
}

export function loadFixture(relative: string): Fixture | null {
  const path = fixturePath(relative);
  if (!path) return null;
  const file = readSafetensors(readFileSync(path));
  return { file, config: JSON.parse(file.metadata.config ?? '{}') };
}

/** |a − e| ≤ tol + tol·|e| elementwise, with the first offending index in the message. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-4, label = ''): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (!(Math.abs(a - e) <= tol + tol * Math.abs(e))) {
      expect.fail(`${label} element ${i}: got ${a}, expected ${e} (tolerance ${tol} abs+rel)`);
    }
  }
}

/** Reads a tensor synchronously (CPU) for comparisons. */
export function values(t: Tensor): Float32Array {
  return Float32Array.from(t.dataSync());
}
