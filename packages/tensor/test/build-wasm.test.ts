import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('*-wasm.ts', () => {
  it('are the compilations of the .wat files as committed (node scripts/build-wasm.mjs --check)', () => {
    const check = spawnSync(process.execPath, [join(__dirname, '../../../scripts/build-wasm.mjs'), '--check'], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});

describe('readWatSource (kernels.wat in parts)', () => {
  it('puts each `;; include` line\'s file in its place, in order, and names a missing or nested include', async () => {
    // @ts-expect-error: a plain .mjs module without types
    const { readWatSource } = (await import('../../../scripts/wat-source.mjs')) as { readWatSource: (path: string) => string };
    const dir = mkdtempSync(join(tmpdir(), 'wat-source-'));
    try {
      mkdirSync(join(dir, 'parts'));
      writeFileSync(join(dir, 'parts', 'a.wat'), '  (func $a)\n');
      writeFileSync(join(dir, 'parts', 'b.wat'), '  (func $b)\n');
      writeFileSync(join(dir, 'm.wat'), '(module\n  ;; include parts/a.wat\n  ;; include parts/b.wat\n)\n');
      expect(readWatSource(join(dir, 'm.wat'))).toBe('(module\n  (func $a)\n  (func $b)\n)\n');
      writeFileSync(join(dir, 'missing.wat'), '(module\n  ;; include parts/nope.wat\n)\n');
      expect(() => readWatSource(join(dir, 'missing.wat'))).toThrow(/missing\.wat includes parts\/nope\.wat, which does not exist/);
      writeFileSync(join(dir, 'parts', 'c.wat'), '  ;; include a.wat\n');
      writeFileSync(join(dir, 'nested.wat'), '(module\n  ;; include parts/c.wat\n)\n');
      expect(() => readWatSource(join(dir, 'nested.wat'))).toThrow(/c\.wat includes another file; only a module's own lines may/);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('kernels.wat is its parts: every export the engine calls comes from one of them', async () => {
    // @ts-expect-error: a plain .mjs module without types
    const { readWatSource } = (await import('../../../scripts/wat-source.mjs')) as { readWatSource: (path: string) => string };
    const source = readWatSource(join(__dirname, '../src/cpu/wasm/kernels.wat'));
    expect(source).not.toMatch(/^\s*;; include \S+\.wat\s*$/m);
    for (const name of ['gemm', 'gemv', 'attention', 'rmsnorm', 'layernorm', 'softmax', 'argmax', 'rope', 'silu', 'gelu', 'swiglu', 'binary', 'binaryRow']) {
      expect(source, name).toContain(`(func (export "${name}")`);
    }
  });
});
