// Bundled by bench/gpu.bench.mjs for a Chromium page: the same decode benchmark as the Node run, on gpu.js in
// WebGL2 (SwiftShader, a software rasteriser) next to the CPU backend in the same page.
import { createCpuBackend } from '@transformer-kit/tensor';
import { createGpuBackend } from '@transformer-kit/gpu-backend';
import { benchModel, modelBytes, MODELS } from './gpu-decode.mjs';

window.runGpuBench = async (rounds) => {
  const gpu = await createGpuBackend({ mode: 'webgl2', countGlTextures: true });
  const cpu = createCpuBackend();
  const models = [];
  for (const spec of MODELS) {
    const bytes = await modelBytes(spec, async (file) => {
      const response = await fetch(`/models/${file}`);
      if (!response.ok) throw new Error(`/models/${file}: HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    });
    models.push(await benchModel(spec, bytes, gpu, cpu, rounds));
  }
  const result = { backend: gpu.name, info: gpu.info, cpu: cpu.name, userAgent: navigator.userAgent, models };
  gpu.destroy();
  return result;
};
