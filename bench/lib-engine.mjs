// What the CPU engine really ran with, for the result files: createCpuBackend({ threads }) asks, the engine's
// engineStats() answers (issue #13). A build before the engine has no engineStats() and runs one thread.

/** backend.engineStats(), or { threads: 1, note } where the built tensor package predates it. */
export function engineStatsOf(backend) {
  if (typeof backend.engineStats !== 'function') {
    return { threads: 1, note: 'no engineStats(): the built @transformer-kit/tensor predates the engine (one thread, whatever was asked)' };
  }
  return backend.engineStats();
}
