// The text of a .wat module with its `;; include <path>` lines replaced by the files they name (paths relative to
// the module's folder; an included file includes nothing further). This is how kernels.wat is split into files of
// one idea each (kernels/gemm.wat, kernels/gemv.wat, …) while the binary stays one module: build-wasm.mjs and the
// benches that compile kernels.wat from source read it through here.
//   import { readWatSource } from '../scripts/wat-source.mjs';
//   const source = readWatSource('packages/tensor/src/cpu/wasm/kernels.wat');
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const INCLUDE = /^[ \t]*;; include (\S+\.wat)[ \t]*$/gm;

/** The module's source with every `;; include <file>.wat` line replaced by that file's text. */
export function readWatSource(path) {
  const source = readFileSync(path, 'utf8');
  return source.replace(INCLUDE, (_, relative) => {
    const file = join(dirname(path), relative);
    if (!existsSync(file)) throw new Error(`wat-source: ${path} includes ${relative}, which does not exist (${file})`);
    const text = readFileSync(file, 'utf8');
    if (INCLUDE.test(text)) throw new Error(`wat-source: ${file} includes another file; only a module's own lines may`);
    INCLUDE.lastIndex = 0;
    return text.replace(/\n$/, '');
  });
}
