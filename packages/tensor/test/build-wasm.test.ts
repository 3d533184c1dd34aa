import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('*-wasm.ts', () => {
  it('are the compilations of the .wat files as committed (node scripts/build-wasm.mjs --check)', () => {
    const check = spawnSync(process.execPath, [join(__dirname, '../../../scripts/build-wasm.mjs'), '--check'], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
