import { createCpuBackend, setBackend, type Backend } from '@transformer-kit/tensor';
import { adviseHugePages } from '@transformer-kit/tensor/node';
import { CliError } from './cli-error';

/** `--threads`: a positive integer or 'auto' (the machine's parallelism), for the CPU backend. */
function threadsOption(value: string | undefined, backend: string): number | 'auto' | undefined {
  if (value === undefined) return undefined;
  if (backend !== 'cpu') throw new CliError(`--threads sets the CPU backend's threads; --backend ${backend} has none`);
  if (value === 'auto') return 'auto';
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new CliError(`--threads must be a positive integer or auto, got ${JSON.stringify(value)}`);
  return n;
}

/**
 * Makes `name` ('cpu' | 'gpu' | 'gpu-js-cpu') the active backend; `threads` (the `--threads` flag) is the CPU
 * backend's thread count (default: the machine's parallelism); its heap is advised to use huge pages where
 * Linux allows (`adviseHugePages`). The GPU backend (gpu.js) is imported only
 * when asked for, so `--backend cpu` never loads it and the CLI works where it is not installed. 'gpu' needs a
 * real GL context: gpu.js' JavaScript fallback runs at a fraction of the CPU backend's speed, so it is used
 * only when asked for by name ('gpu-js-cpu', for debugging the kernels).
 */
export async function selectBackend(name: string | undefined, threadsFlag?: string): Promise<Backend> {
  const choice = name ?? 'cpu';
  const threads = threadsOption(threadsFlag, choice);
  if (choice === 'cpu') {
    // the heap asks Linux for huge pages (a decode step streams every weight; see @transformer-kit/tensor/node)
    const backend = createCpuBackend({ ...(threads === undefined ? {} : { threads }), heap: { advise: adviseHugePages } });
    setBackend(backend);
    return backend;
  }
  if (choice !== 'gpu' && choice !== 'gpu-js-cpu') throw new CliError(`--backend must be cpu or gpu (or gpu-js-cpu, gpu.js' JavaScript mode for debugging), got ${JSON.stringify(choice)}`);
  let gpu: { createGpuBackend: (options: { mode?: 'auto' | 'cpu'; allowCpuFallback?: boolean }) => Promise<Backend> | Backend };
  try {
    gpu = (await import('@transformer-kit/gpu-backend')) as unknown as typeof gpu;
  } catch (error) {
    throw new CliError(`--backend gpu needs @transformer-kit/gpu-backend (${(error as Error).message.split('\n')[0]})`);
  }
  let backend: Backend;
  try {
    backend = await gpu.createGpuBackend(choice === 'gpu' ? { mode: 'auto', allowCpuFallback: false } : { mode: 'cpu' });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    if (/is not available here/.test(message)) {
      throw new CliError(`--backend gpu: no GL context can be made here (${message}): run under xvfb-run -a, or use --backend cpu`);
    }
    throw new CliError(`cannot create the GPU backend: ${message}`);
  }
  setBackend(backend);
  return backend;
}
