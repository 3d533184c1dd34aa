import { describe, expect, it } from 'vitest';
import { createCpuBackend, CpuBackend, type Backend, type DataId, type TensorHandle } from '@transformer-kit/tensor';
import { runConformance } from '@transformer-kit/tensor/testing';

/**
 * The suite is only worth something if it fails broken backends. Each mutant is the CPU backend with one
 * plausible bug (the ones a GPU port makes); the named cases must fail and the message must say why.
 */
function mutant(name: string, overrides: (base: CpuBackend) => Partial<Backend>): Backend {
  const base = createCpuBackend() as CpuBackend;
  const delegate: Record<string, unknown> = { name, tolerance: base.tolerance };
  for (const key of Object.getOwnPropertyNames(CpuBackend.prototype)) {
    const value = (base as unknown as Record<string, unknown>)[key];
    if (key !== 'constructor' && typeof value === 'function') delegate[key] = value.bind(base);
  }
  return Object.assign(delegate, overrides(base)) as unknown as Backend;
}

const values = (base: CpuBackend, id: DataId) => base.readSync(id) as Float32Array;

const mutants: { bug: string; backend: () => Backend; failing: RegExp }[] = [
  {
    bug: 'matmul drops the last column of K (off-by-one)',
    backend: () => mutant('k-off-by-one', (base) => ({
      matmul: (a: TensorHandle, b: TensorHandle, ta, tb, outShape) => {
        const k = ta ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
        if (k < 5) return base.matmul(a, b, ta, tb, outShape);
        // a "tiled" kernel that forgets the remainder of K
        const av = Float32Array.from(values(base, a.dataId));
        for (let i = k - 1; i < av.length; i += k) if (!ta) av[i] = 0;
        const trimmed = base.upload(av, a.shape, 'float32');
        const out = base.matmul({ ...a, dataId: trimmed }, b, ta, tb, outShape);
        base.disposeData(trimmed);
        return out;
      },
    })),
    failing: /^matmul: sizes not multiples of 4/,
  },
  {
    bug: 'fused softmax gives NaN on a fully masked row',
    backend: () => mutant('naive-softmax', (base) => ({
      softmax: (x: TensorHandle) => {
        const v = values(base, x.dataId);
        const n = x.shape[x.shape.length - 1];
        const out = new Float32Array(v.length);
        for (let r = 0; r < v.length; r += n) {
          const m = Math.max(...v.subarray(r, r + n));
          let s = 0;
          for (let j = 0; j < n; j++) s += (out[r + j] = Math.exp(v[r + j] - m));
          for (let j = 0; j < n; j++) out[r + j] /= s;
        }
        return base.upload(out, x.shape, 'float32');
      },
    })),
    failing: /^softmax: -Infinity masks, a fully masked row gives zeros/,
  },
  {
    bug: 'fused layerNorm uses the one-pass variance E[x²] − E[x]² in float32',
    backend: () => mutant('one-pass-layernorm', (base) => ({
      layerNorm: (x: TensorHandle, gamma, beta, eps) => {
        const v = values(base, x.dataId);
        const n = x.shape[x.shape.length - 1];
        const out = new Float32Array(v.length);
        const g = gamma ? values(base, gamma.dataId) : null;
        const b = beta ? values(base, beta.dataId) : null;
        for (let r = 0; r < v.length; r += n) {
          let s = Math.fround(0);
          let ss = Math.fround(0);
          for (let j = 0; j < n; j++) {
            s = Math.fround(s + v[r + j]);
            ss = Math.fround(ss + Math.fround(v[r + j] * v[r + j]));
          }
          const mean = Math.fround(s / n);
          const variance = Math.max(0, Math.fround(ss / n - mean * mean));
          for (let j = 0; j < n; j++) out[r + j] = ((v[r + j] - mean) / Math.sqrt(variance + eps)) * (g ? g[j] : 1) + (b ? b[j] : 0);
        }
        return base.upload(out, x.shape, 'float32');
      },
    })),
    failing: /^layerNorm: rows offset by 1e4/,
  },
  {
    bug: 'fused attention reads the whole cache, ignoring kvLength',
    backend: () => mutant('ignores-kvlength', (base) => ({
      attention: (q, k, v, options) => base.attention(q, k, v, { ...options, kvLength: k.shape[2] }),
    })),
    failing: /^attend: a KV cache/,
  },
  {
    bug: 'gather clamps an out-of-range id instead of failing',
    backend: () => mutant('clamping-gather', (base) => ({
      gather: (table, indices, axis) => {
        const ids = Int32Array.from(base.readSync(indices.dataId), (id) => Math.min(Math.max(id, 0), table.shape[axis] - 1));
        const clamped = base.upload(ids, indices.shape, 'int32');
        const out = base.gather(table, { ...indices, dataId: clamped }, axis);
        base.disposeData(clamped);
        return out;
      },
    })),
    failing: /^gather: an id out of range/,
  },
  {
    bug: 'rotary swaps the two layouts',
    backend: () => mutant('swapped-rotary', (base) => ({
      rotary: (x, cos, sin, layout) => base.rotary(x, cos, sin, layout === 'halves' ? 'interleaved' : 'halves'),
    })),
    failing: /^applyRotary: halves/,
  },
  {
    bug: 'argmax returns the last of tied maxima',
    backend: () => mutant('last-argmax', (base) => ({
      reduce: (op, x, axis) => {
        if (op !== 'argmax') return base.reduce(op, x, axis);
        const flipped = base.reduce('argmax', x, axis);
        void flipped;
        base.disposeData(flipped);
        const v = base.readSync(x.dataId);
        const n = x.shape[axis];
        const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
        const outer = v.length / (n * inner);
        const out = new Int32Array(outer * inner);
        for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
          let best = 0;
          for (let j = 0; j < n; j++) if (v[(o * n + j) * inner + i] >= v[(o * n + best) * inner + i]) best = j;
          out[o * inner + i] = best;
        }
        return base.upload(out, x.shape.filter((_, d) => d !== axis), 'int32');
      },
    })),
    failing: /^argmax: every axis, ties pick the first/,
  },
  {
    bug: 'unary leaks a scratch storage per call',
    backend: () => mutant('leaky-unary', (base) => ({
      unary: (op, x) => {
        base.upload(new Float32Array(1), [1], 'float32');
        return base.unary(op, x);
      },
    })),
    failing: /^exp: over both signs/,
  },
];

describe('the conformance suite fails broken backends', () => {
  it('passes the unmodified CPU backend seen through the same delegation', async () => {
    const failures = (await runConformance(mutant('delegate', () => ({})))).filter((r) => !r.passed);
    expect(failures).toEqual([]);
  });
  for (const { bug, backend, failing } of mutants) {
    it(bug, async () => {
      // the [composite] twins hide the fused kernel, so only the direct cases see a fused-kernel bug
      const results = await runConformance(backend(), { filter: (name) => failing.test(name) && !name.endsWith('[composite]') });
      expect(results.length).toBeGreaterThan(0);
      for (const r of results) {
        expect(r.passed, `${r.name} should fail`).toBe(false);
        expect(r.message.length).toBeGreaterThan(10);
      }
    });
  }
  it('says which element differs and by how much', async () => {
    const [r] = await runConformance(mutants[0].backend(), { filter: /^matmul: sizes not multiples of 4/ });
    expect(r.message).toMatch(/element \d+ \[\d+, \d+\] is -?[\d.e-]+, expected -?[\d.e-]+ \(tolerance 0.0001/);
    expect(r.maxError).toBeGreaterThan(1e-4);
  });
  it('reports a leak by count', async () => {
    const [r] = await runConformance(mutants[7].backend(), { filter: /^exp: over both signs/ });
    expect(r.message).toMatch(/leaked 0 tensor\(s\) and \d+ backend storage\(s\)/);
  });
});
