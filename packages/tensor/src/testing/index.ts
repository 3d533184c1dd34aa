/**
 * @packageDocumentation
 * The conformance suite every Backend runs against golden values: `runConformance(backend)` anywhere (Node,
 * a browser), `describeConformance(createBackend, { describe, it, expect })` inside a test framework.
 * Nothing here imports a test framework or the file system.
 */
export { conformanceCases } from './conformance-cases';
export { defineCase } from './conformance-case';
export { runConformance } from './run-conformance';
export { describeConformance } from './describe-conformance';
export { withoutFusedKernels } from './without-fused-kernels';
export { CaseContext, ConformanceMismatch } from './case-context';

export type { ConformanceCase, ConformanceResult, DefineCaseOptions } from './conformance-case';
export type { RunConformanceOptions } from './run-conformance';
export type { ConformanceTestApi, DescribeConformanceOptions } from './describe-conformance';
export type { ExpectedTensor } from './case-context';
