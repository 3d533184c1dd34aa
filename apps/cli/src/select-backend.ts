import { createCpuBackend, setBackend, type Backend } from '@transformer-kit/tensor';
import { CliError } from './cli-error';

/**
 * Makes `name` ('cpu' | 'gpu') the active backend. The GPU backend (gpu.js) is imported only when asked
 * for, so `--backend cpu` never loads it and the CLI works where it is not installed.
 */
export async function selectBackend(name: string | undefined): Promise<Backend> {
  const choice = name ?? 'cpu';
  if (choice === 'cpu') {
    const backend = createCpuBackend();
    setBackend(backend);
    return backend;
  }
  if (choice !== 'gpu') throw new CliError(`--backend must be cpu or gpu, got ${JSON.stringify(choice)}`);
  let gpu: { createGpuBackend: () => Promise<Backend> | Backend };
  try {
    gpu = (await import('@transformer-kit/gpu-backend')) as unknown as typeof gpu;
  } catch (error) {
    throw new CliError(`--backend gpu needs @transformer-kit/gpu-backend (${(error as Error).message.split('\n')[0]})`);
  }
  let backend: Backend;
  try {
    backend = await gpu.createGpuBackend();
  } catch (error) {
    throw new CliError(`cannot create the GPU backend: ${(error as Error).message.split('\n')[0]}`);
  }
  setBackend(backend);
  return backend;
}
