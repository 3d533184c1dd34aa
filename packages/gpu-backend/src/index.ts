/**
 * @packageDocumentation
 * A `@transformer-kit/tensor` Backend made of gpu.js kernels: WebGL2/WebGL in browsers, headless GL in Node.
 * Nothing happens at import time: `setBackend(await createGpuBackend())` chooses it.
 */
export { createGpuBackend } from './create-gpu-backend';
export { GpuBackend } from './gpu-backend';

export type { GpuBackendOptions } from './create-gpu-backend';
export type { GpuBackendStats, GpuBackendInfo } from './gpu-backend-info';
export type { GpuMode } from './kernel-runner';
