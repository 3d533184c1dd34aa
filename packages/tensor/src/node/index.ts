/**
 * @packageDocumentation
 * Node-only helpers of the CPU backend: transparent huge pages for its heap on Linux
 * (`createCpuBackend({ heap: { advise: adviseHugePages } })`).
 */
export { adviseHugePages, hugePageSupport, parseThpMode } from './huge-pages';
export type { HugePageSupport, ThpMode } from './huge-pages';
