import { afterAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '@transformer-kit/tensor';
import { describeConformance } from '@transformer-kit/tensor/testing';

// The CPU reference backend against every golden value (and every fused kernel against its composite).
describeConformance(() => createCpuBackend(), { describe, it, expect, afterAll }, { title: 'conformance: cpu' });
