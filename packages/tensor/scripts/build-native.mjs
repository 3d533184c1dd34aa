// Builds dist/native/huge-pages-<platform>-<arch>.node from native/huge-pages.c (see there): the Node-only helper
// behind `@transformer-kit/tensor/node`'s adviseHugePages. Linux only (madvise MADV_HUGEPAGE is Linux's); elsewhere
// nothing is built and hugePageSupport() says why. Compiles with $CC (default cc) against node-api-headers, no
// node-gyp (it would download Node's headers, and only the npm registry is reachable here). On Linux without a
// compiler the build fails and says so (a build without the helper would be cached by turbo and replayed after a
// compiler is installed); TRANSFORMER_KIT_NO_NATIVE=1 builds without it on purpose (hugePageSupport() then names
// the missing file).
//   node scripts/build-native.mjs        # from packages/tensor, after tsup (which empties dist/)
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const name = `huge-pages-${process.platform}-${process.arch}.node`;
if (process.platform !== 'linux') {
  console.log(`build-native: ${name} not built: transparent huge pages are Linux's (this is ${process.platform})`);
  process.exit(0);
}
if (process.env.TRANSFORMER_KIT_NO_NATIVE === '1') {
  console.log(`build-native: ${name} not built: TRANSFORMER_KIT_NO_NATIVE=1`);
  process.exit(0);
}
const { include_dir: includeDir } = createRequire(import.meta.url)('node-api-headers');
const out = join(packageDir, 'dist', 'native', name);
mkdirSync(dirname(out), { recursive: true });
const cc = process.env.CC ?? 'cc';
const args = ['-O2', '-Wall', '-shared', '-fPIC', '-I', includeDir, join(packageDir, 'native', 'huge-pages.c'), '-o', out];
const run = spawnSync(cc, args, { stdio: 'inherit' });
if (run.error) {
  console.error(`build-native: cannot run the C compiler ${JSON.stringify(cc)} (${run.error.message}): install gcc (scripts/setup.sh does) or set CC, or build without the huge-pages helper with TRANSFORMER_KIT_NO_NATIVE=1`);
  process.exit(1);
}
if (run.status !== 0) {
  console.error(`build-native: ${cc} ${args.join(' ')} failed (exit ${run.status})`);
  process.exit(1);
}
console.log(`build-native: built dist/native/${name}`);
