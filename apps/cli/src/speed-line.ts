import type { Backend } from '@transformer-kit/tensor';
import { backendThreads } from './backend-threads';

/** The closing speed line of a generation, as llama2.c's `run` prints it, and where it ran (backend, threads). */
export function speedLine(tokensPerSecond: number, backend: Backend): string {
  const threads = backendThreads(backend);
  const where = threads === null ? backend.name : `${backend.name}, ${threads} thread${threads === 1 ? '' : 's'}`;
  return `achieved tok/s: ${tokensPerSecond.toFixed(1)} (${where})\n`;
}
