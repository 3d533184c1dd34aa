// Bundled by test/chromium.test.ts for the page: the conformance suite on the gpu.js backend in WebGL2.
import { runConformance } from '@transformer-kit/tensor/testing';
import { createGpuBackend } from '../../src/index';

declare global {
  interface Window {
    __conformance?: unknown;
  }
}

async function main(): Promise<void> {
  try {
    const backend = await createGpuBackend({ mode: 'webgl2' });
    const results = await runConformance(backend);
    window.__conformance = { mode: backend.info.mode, renderer: backend.info.renderer, name: backend.name, results };
    backend.destroy();
  } catch (error) {
    window.__conformance = { error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) };
  }
}

void main();
