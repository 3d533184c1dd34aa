// Bundled by test/chromium.test.ts for the page: the conformance suite on the gpu.js backend in WebGL2.
import { createCpuBackend } from '@transformer-kit/tensor';
import { runConformance } from '@transformer-kit/tensor/testing';
import { createGpuBackend, type GpuBackend } from '../../src/index';
import { attendBoth, BLOCK, fillCaches } from '../kv-cache-run';

declare global {
  interface Window {
    __conformance?: unknown;
  }
}

async function main(): Promise<void> {
  try {
    const backend = await createGpuBackend({ mode: 'webgl2' });
    const results = await runConformance(backend);
    const kvCache = await kvCachePastOneLaunch(backend);
    window.__conformance = { mode: backend.info.mode, renderer: backend.info.renderer, name: backend.name, results, kvCache };
    backend.destroy();
  } catch (error) {
    window.__conformance = { error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) };
  }
}

/**
 * A KV cache filled 40 positions past the blocks one launch binds (⌊(MAX_TEXTURE_IMAGE_UNITS − 2) / 2⌋ of 64
 * positions: 960 with this Chromium's SwiftShader, 448 where it exposes 16 units), the texels of each append,
 * and attention's cost at and past that limit (attendBoth throws past 2e-3 of the CPU).
 */
async function kvCachePastOneLaunch(backend: GpuBackend): Promise<unknown> {
  const cpu = createCpuBackend();
  const limit = backend.info.attentionBlocksPerLaunch * BLOCK;
  const caches = fillCaches(backend, cpu, limit + 2 * BLOCK, limit + 40);
  const costs: { length: number; launches: number; texels: number }[] = [];
  for (const length of [limit, limit + 1, limit + 40]) costs.push({ length, ...(await attendBoth(backend, cpu, caches, length, 1, true)) });
  return { perLaunch: backend.info.attentionBlocksPerLaunch, units: backend.info.maxTextureUnits, texelsPerAppend: [...new Set(caches.texelsPerAppend.slice(1))], costs };
}

void main();
