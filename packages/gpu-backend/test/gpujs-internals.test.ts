import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GPUJS_VERSION } from '../src/gpujs-internals';

// The typed views of gpu.js internals were written against one version: the dependency pin and the installed
// copy must be that version, so an upgrade fails here and sends someone to re-check gpujs-internals.ts.
describe('gpu.js internals', () => {
  it('are pinned to the gpu.js version they were written against', () => {
    const pkg = JSON.parse(readFileSync(resolve(__dirname, '../package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies['gpu.js']).toBe(GPUJS_VERSION);
    const installed = JSON.parse(readFileSync(require.resolve('gpu.js/package.json'), 'utf8')) as { version: string };
    expect(installed.version).toBe(GPUJS_VERSION);
  });
});
