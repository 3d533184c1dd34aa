import { createGpuBackend } from '@transformer-kit/gpu-backend';
import { createCpuBackend, setBackend, type Backend } from '@transformer-kit/tensor';
import type { BackendChoice } from '../backend-card';

let gpu: Backend | null = null;
let gpuError: Error | null = null;
let cpu: Backend | null = null;

/**
 * Makes the chosen backend the active one. The GPU backend is created once (gpu.js compiles its kernels
 * lazily and keeps them); if it cannot start, the CPU runs and the note says why.
 */
export async function useBackend(choice: BackendChoice): Promise<{ name: string; choice: BackendChoice; note: string }> {
  if (choice === 'gpu' && !gpu && !gpuError) {
    try {
      // webgl2 by name: 'auto' would quietly fall back to gpu.js' cpu mode, which is not what the switch says.
      gpu = await createGpuBackend({ mode: 'webgl2' });
    } catch (error) {
      gpuError = error as Error;
    }
  }
  if (choice === 'gpu' && gpu) {
    setBackend(gpu);
    return { name: gpu.name, choice, note: '' };
  }
  cpu ??= createCpuBackend();
  setBackend(cpu);
  const note = choice === 'gpu' && gpuError ? `The GPU backend could not start (${gpuError.message}); running on the CPU.` : '';
  return { name: cpu.name, choice: 'cpu', note };
}
