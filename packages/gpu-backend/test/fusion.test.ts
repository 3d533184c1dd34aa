import { beforeAll, describe, expect, it } from 'vitest';
import { add, sum, matmul, mul, rmsNorm, silu, type Backend, type Tensor } from '@transformer-kit/tensor';
import { expectClose, onBackends, useBackends } from './against-cpu';

// The backend fuses a decode step's chains (rmsNorm → matmul, matmul + residual, silu(x·Wg) · (x·Wu)) into
// single launches; each chain here is checked against the CPU backend, and the launches are counted.
const backends = useBackends();

function onBoth(shape: number[], seed: number): [Tensor, Tensor] {
  return onBackends(shape, seed, backends.gpu, backends.cpu) as [Tensor, Tensor];
}

/** Runs `f` on both backends; returns the GPU result, the CPU result and the GPU launches it took (with the readback's materialisation). */
async function both(f: (b: Backend, t: (pair: [Tensor, Tensor]) => Tensor) => Tensor): Promise<{ g: Tensor; c: Tensor; launches: number }> {
  const before = backends.gpu.stats().launches;
  const g = f(backends.gpu, (p) => p[0]);
  await g.data();
  const launches = backends.gpu.stats().launches - before;
  return { g, c: f(backends.cpu, (p) => p[1]), launches };
}

describe('launch fusion', () => {
  let x: [Tensor, Tensor], gamma: [Tensor, Tensor], wq: [Tensor, Tensor], wk: [Tensor, Tensor], wu: [Tensor, Tensor], residual: [Tensor, Tensor];
  // Every input made (and warmed onto the GPU) first, so the counts below are the chain's own launches.
  beforeAll(async () => {
    x = onBoth([1, 1, 48], 1);
    gamma = onBoth([48], 2);
    wq = onBoth([40, 48], 3); // PyTorch layout [out, in]
    wk = onBoth([48, 40], 4); // plain [in, out]
    wu = onBoth([40, 48], 6);
    residual = onBoth([1, 1, 40], 5);
    for (const [t] of [x, gamma, wq, wk, wu, residual]) await add(t, t).data();
  });

  it('rmsNorm → matmul (both weight layouts) is one launch', async () => {
    for (const [w, transposeB] of [[wq, true], [wk, false]] as const) {
      const r = await both((_, t) => matmul(rmsNorm(t(x), t(gamma), 1e-5), t(w), { transposeB }));
      await expectClose(r.g, r.c, `norm → matmul, transposeB ${transposeB}`);
      expect(r.launches).toBe(1);
    }
  });

  it('matmul + residual is one launch, in either operand order, and with the norm folded in', async () => {
    const r = await both((_, t) => add(t(residual), matmul(t(x), t(wq), { transposeB: true })));
    await expectClose(r.g, r.c, 'residual + matmul');
    expect(r.launches).toBe(1);
    const n = await both((_, t) => add(matmul(rmsNorm(t(x), t(gamma), 1e-5), t(wq), { transposeB: true }), t(residual)));
    await expectClose(n.g, n.c, 'norm → matmul + residual');
    expect(n.launches).toBe(1);
  });

  it('silu(x·Wg) · (x·Wu) over a normalised x is one launch', async () => {
    const r = await both((_, t) => {
      const h = rmsNorm(t(x), t(gamma), 1e-5);
      return mul(silu(matmul(h, t(wq), { transposeB: true })), matmul(h, t(wu), { transposeB: true }));
    });
    await expectClose(r.g, r.c, 'SwiGLU');
    expect(r.launches).toBe(1);
  });

  it('a deferred value that is read, or used by an op that does not fuse, is computed as before', async () => {
    const r = await both((_, t) => {
      const h = rmsNorm(t(x), t(gamma), 1e-5);
      const y = matmul(h, t(wq), { transposeB: true });
      return add(add(y, silu(y)), sum(h, -1, { keepDims: true }));
    });
    await expectClose(r.g, r.c, 'mixed');
    const [hg, hc] = [rmsNorm(x[0], gamma[0], 1e-5), rmsNorm(x[1], gamma[1], 1e-5)];
    await expectClose(hg, hc, 'norm read back');
    const [yg, yc] = [silu(matmul(x[0], wk[0])), silu(matmul(x[1], wk[1]))];
    await expectClose(yg, yc, 'silu of a matmul read back');
  });
});
