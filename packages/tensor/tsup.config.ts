import { packageConfig } from '../../tsup.shared';

// NOTE: splitting puts the code both entries use (Tensor, the engine's scopes and counters) in one shared
// chunk; without it `testing/index` would carry its own copy of the engine, and tensors made through
// `@transformer-kit/tensor` would be invisible to its leak checks. `node/index` (Node only) finds its helper
// binary from import.meta.url, which `shims` gives the CommonJS build too; scripts/build-native.mjs builds that
// binary into dist/native after tsup.
export default packageConfig(
  { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts', 'quant/index': 'src/quant/index.ts', 'node/index': 'src/node/index.ts' },
  { splitting: true, shims: true },
);
