import type { Backend } from '@transformer-kit/tensor';
import { backendThreads } from './backend-threads';

/** Bytes of the CPU heap advised into huge pages (`engineStats().heapAdvisedBytes`), 0 on other backends. */
function hugePageBytes(backend: Backend): number {
  const stats = (backend as { engineStats?: () => { heapAdvisedBytes?: number } }).engineStats;
  return typeof stats === 'function' ? (stats.call(backend).heapAdvisedBytes ?? 0) : 0;
}

/**
 * The closing speed line of a generation, as llama2.c's `run` prints it, and where it ran: backend, threads, and
 * "huge pages" when the CPU heap was advised into them (Linux; see `@transformer-kit/tensor/node`).
 */
export function speedLine(tokensPerSecond: number, backend: Backend): string {
  const threads = backendThreads(backend);
  const parts = [backend.name];
  if (threads !== null) parts.push(`${threads} thread${threads === 1 ? '' : 's'}`);
  if (hugePageBytes(backend) > 0) parts.push('huge pages');
  return `achieved tok/s: ${tokensPerSecond.toFixed(1)} (${parts.join(', ')})\n`;
}
