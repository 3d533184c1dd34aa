import type { Backend } from '@transformer-kit/tensor';

/**
 * How many threads the backend computes on: the CPU engine's `engineStats().threads` (what it really runs with,
 * after `--threads` and the machine's limits), or null for a backend without that notion (gpu.js).
 */
export function backendThreads(backend: Backend): number | null {
  const stats = (backend as { engineStats?: () => { threads: number } }).engineStats;
  return typeof stats === 'function' ? stats.call(backend).threads : null;
}
