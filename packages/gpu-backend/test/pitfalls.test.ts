import { describe, expect, it } from 'vitest';
import { gather, matmul, tensor, type Backend, type Tensor } from '@transformer-kit/tensor';
import { expectClose, onBackends, useBackends } from './against-cpu';

// Known gpu.js pitfalls, each against the CPU backend (tolerance 2e-3 abs + rel).
const backends = useBackends();

function onBoth(shape: number[], seed: number): [Tensor, Tensor] {
  return onBackends(shape, seed, backends.cpu, backends.gpu) as [Tensor, Tensor];
}

describe('gpu.js pitfalls', () => {
  it('gathers from a 32000×288 embedding (a 9.2M-element texture, flat indices past 2^23)', async () => {
    const [tc, tg] = onBoth([32000, 288], 1);
    // The last row and the row at 2^23 / 288: indices land at the far end of the texture.
    const ids = [31999, 0, 29127, 12345, 31998];
    const make = (b: Backend) => tensor(Int32Array.from(ids), [ids.length], 'int32', b);
    await expectClose(gather(tg, make(backends.gpu)), gather(tc, make(backends.cpu)), 'embedding gather');
  });

  it('runs a loop over K = 3072 (gpu.js LOOP_MAX is 1000 by default)', async () => {
    const [ac, ag] = onBoth([3, 3072], 2);
    const [bc, bg] = onBoth([3072, 5], 3);
    await expectClose(matmul(ag, bg), matmul(ac, bc), 'K = 3072');
    const [wc, wg] = onBoth([7, 3072], 4);
    await expectClose(matmul(ag, wg, { transposeB: true }), matmul(ac, wc, { transposeB: true }), 'K = 3072, transposeB');
  });

  it('splits flat indices exactly (integer division by 3, 7 and 768 at large indices)', async () => {
    // [1, 3, 7, 768] + [3, 1, 768] broadcasts through idiv/imod at every output index; a float division
    // that lands just below a whole number reads the wrong element.
    const [xc, xg] = onBoth([1, 3, 7, 768], 5);
    const [yc, yg] = onBoth([3, 1, 768], 6);
    const { add } = await import('@transformer-kit/tensor');
    await expectClose(add(xg, yg), add(xc, yc), 'broadcast add');
    const idx = Int32Array.from({ length: 3000 }, (_, i) => (i * 7919) % 3000);
    const [tc, tg] = onBoth([3000, 3], 7);
    await expectClose(gather(tg, tensor(idx, [3000], 'int32', backends.gpu)), gather(tc, tensor(idx.slice(), [3000], 'int32', backends.cpu)), 'gather of 3000 ids');
  });

  it('reads the element exactly at a texture edge', async () => {
    // 4096 elements make a 64×64 texture: element 63 ends row 0, 64 starts row 1, 4095 is the last texel.
    // 4099 (prime) makes a non-square texture with padding after the last element.
    for (const n of [4096, 4099, 16384 + 1]) {
      const [xc, xg] = onBoth([n, 1], 8 + n);
      const ids = [0, 63, 64, 127, 128, n - 2, n - 1];
      await expectClose(gather(xg, tensor(Int32Array.from(ids), [ids.length], 'int32', backends.gpu)), gather(xc, tensor(Int32Array.from(ids), [ids.length], 'int32', backends.cpu)), `edge of ${n}`);
      const [wc, wg] = onBoth([1, 1], 9);
      await expectClose(matmul(xg, wg), matmul(xc, wc), `full texture of ${n}`);
    }
  });

  it('refuses an out-of-range id with a clear error', () => {
    const table = tensor(new Float32Array(6), [3, 2], 'float32', backends.gpu);
    expect(() => gather(table, tensor([3], [1], 'int32', backends.gpu))).toThrow(/index 3 is out of range/);
  });
});
