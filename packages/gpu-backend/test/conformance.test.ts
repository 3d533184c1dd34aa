import { afterAll, describe, expect, it } from 'vitest';
import { describeConformance } from '@transformer-kit/tensor/testing';
import { createGpuBackend } from '../src/index';

// NOTE: mode 'headlessgl' is named explicitly: if the `gl` package fails to load, every case fails with
// the reason (no silent switch to gpu.js' cpu mode, no skip).
describeConformance(() => createGpuBackend({ mode: 'headlessgl', log: () => {} }), { describe, it, expect, afterAll }, { title: 'conformance: gpu.js headlessgl' });
