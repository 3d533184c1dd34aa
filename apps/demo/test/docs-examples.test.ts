/**
 * The docs cannot rot: every ```ts block of docs/*.md and the READMEs, and every TSDoc `@example` of the
 * packages, is extracted, bundled against the packages' sources and run in its own `node` process
 * (scripts/docs-examples.mjs). A block opts out only with ```ts no-run (reason).
 *
 * This lives in apps/demo's tests because turbo's `test` task runs per workspace and docs/ is not one; the
 * demo is the workspace that already depends on every package.
 */
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { collectExamples, markerProblems, runExamples } from '../../../scripts/docs-examples.mjs';

interface Example {
  id: string;
  file: string;
  line: number;
  code: string;
  skip: string | null;
}
interface Result {
  example: Example;
  status: 'passed' | 'failed' | 'skipped';
  output: string;
  ms: number;
}

const repoRoot = resolve(import.meta.dirname, '../../..');
const examples: Example[] = collectExamples(repoRoot);
const results = new Map<string, Result>();

describe('documentation examples', () => {
  beforeAll(async () => {
    const all: Result[] = await runExamples(examples, { root: repoRoot });
    for (const r of all) results.set(r.example.id, r);
  }, 900_000);

  it('finds the guides and the TSDoc examples', () => {
    expect(examples.filter((e) => e.file.startsWith('docs/')).length).toBeGreaterThan(10);
    expect(examples.filter((e) => e.file.startsWith('packages/')).length).toBeGreaterThan(10);
  });

  it('every no-run block says why', () => {
    expect(markerProblems(examples)).toEqual([]);
  });

  for (const example of examples) {
    it.skipIf(example.skip !== null)(example.id, () => {
      const result = results.get(example.id);
      expect(result, 'the example did not run').toBeDefined();
      if (result!.status === 'failed') {
        throw new Error(`${example.id} failed:\n${example.code}\n--- output ---\n${result!.output.split('\n').slice(0, 30).join('\n')}`);
      }
      expect(result!.status).toBe('passed');
    });
  }
});
