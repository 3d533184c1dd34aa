import { readFileSync } from 'node:fs';
import { readGguf } from '@transformer-kit/tensor';

/**
 * The tensors of a local GGUF file as text, one per line: name, ggml type (Q4_K, Q6_K, F32...), row-major shape
 * and bytes, then the totals per type; what `inspect` prints for a .gguf model.
 *
 * @example
 * ```ts
 * import { main } from '@transformer-kit/cli';
 * let out = '';
 * const io = { stdout: (text: string) => (out += text), stderr: (text: string) => process.stderr.write(text) };
 * await main(['inspect', '--model', '../shared/models/r42m/r42m-Q4_K_M.gguf'], io); // inspect prints this table for a .gguf
 * console.log(out.split('\n')[0]); // weights: 75 tensors, as the file stores them
 * ```
 */
export function ggufTensorTable(path: string): string {
  const gguf = readGguf(readFileSync(path), { name: path });
  const width = Math.max(...gguf.tensors.map((t) => t.name.length));
  const lines = [`weights: ${gguf.tensors.length} tensors, as the file stores them`];
  const perType = new Map<string, { count: number; bytes: number }>();
  for (const t of gguf.tensors) {
    lines.push(`   ${t.name.padEnd(width)}  ${t.typeName.padEnd(4)}  [${t.shape.join(', ')}]  ${t.byteLength} bytes`);
    const s = perType.get(t.typeName) ?? { count: 0, bytes: 0 };
    perType.set(t.typeName, { count: s.count + 1, bytes: s.bytes + t.byteLength });
  }
  lines.push(`   by type: ${[...perType].map(([type, s]) => `${type} ${s.count} tensors, ${(s.bytes / 1e6).toFixed(1)} MB`).join('; ')}`);
  return `${lines.join('\n')}\n`;
}
