import { createCpuBackend, type Backend } from '@transformer-kit/tensor';

/**
 * A CPU backend that counts kernel calls and the rows every matmul processes (work, not time), and records how
 * many values each read (`read`, `readSync`) returned.
 */
export function countingBackend(): { backend: Backend; calls: Map<string, number>; matmulRows: { value: number }; readLengths: number[] } {
  const cpu = createCpuBackend();
  const calls = new Map<string, number>();
  const matmulRows = { value: 0 };
  const readLengths: number[] = [];
  const backend = new Proxy(cpu, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(prop), (calls.get(String(prop)) ?? 0) + 1);
        if (prop === 'matmul') {
          const outShape = args[4] as number[];
          matmulRows.value += outShape.slice(0, -1).reduce((a, b) => a * b, 1); // batch × M rows
        }
        const out = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (prop === 'read' || prop === 'readSync') void Promise.resolve(out).then((v) => readLengths.push((v as ArrayLike<number>).length));
        return out;
      };
    },
  });
  return { backend, calls, matmulRows, readLengths };
}
