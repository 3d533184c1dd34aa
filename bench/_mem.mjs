import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { readGguf } from '@transformer-kit/tensor';
const wabt = await createRequire(import.meta.url)('wabt')();
const src = readFileSync('packages/tensor/src/cpu/wasm/quant-kernels.wat', 'utf8');
const compile = (s) => { const f = { simd: true, threads: true }; const p = wabt.parseWat('q.wat', s, f); p.resolveNames(); p.validate(f); return new WebAssembly.Module(p.toBinary({}).buffer); };
const imported = compile(src.replace(' shared)', ')'));
const own = compile(src.replace('(import "env" "memory" (memory 1 65536 shared))', '(memory (export "memory") 1200 65536)'));
const mem = new WebAssembly.Memory({ initial: 1200, maximum: 65536 });
const A = new WebAssembly.Instance(imported, { env: { memory: mem } }).exports;
const B = new WebAssembly.Instance(own, {}).exports;
const g = readGguf(readFileSync('/work/shared/models/r42m/r42m-Q4_K_M.gguf'));
for (const name of ['blk.0.ffn_gate.weight', 'blk.0.ffn_down.weight', 'output.weight']) {
  const info = g.info(name); const bytes = g.bytes(name); const [n, k] = info.shape; const type = info.type;
  const kb = k / 256, rowBytes = kb * (type === 12 ? 144 : 210);
  const W = 1 << 20, X = 40 << 20, XQ = X + k * 4, XD = XQ + k * 2, XS = XD + k / 8, Y = XS + k / 8, S = Y + n * 4 + 64;
  for (const [e, m] of [[A, mem], [B, B.memory]]) {
    new Uint8Array(m.buffer, W, bytes.length).set(bytes);
    new Float32Array(m.buffer, X, k).set(Float32Array.from({ length: k }, (_, i) => Math.sin(i * 0.37)));
    e.quantizeActivations(X, XQ, XD, XS, 1, k);
  }
  const ta = [], tb = [];
  for (let r = 0; r < 30; r++) {
    let t0 = performance.now(); A.qmatmul(type, W, n, rowBytes, kb, k, XQ, XD, XS, 1, Y, S, 0, n); ta.push(performance.now() - t0);
    t0 = performance.now(); B.qmatmul(type, W, n, rowBytes, kb, k, XQ, XD, XS, 1, Y, S, 0, n); tb.push(performance.now() - t0);
  }
  console.log(name, 'imported', Math.min(...ta).toFixed(3), 'own', Math.min(...tb).toFixed(3));
}
