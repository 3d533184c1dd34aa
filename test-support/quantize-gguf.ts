// Test-only (never published): a float32 GGUF rewritten with its matrices quantized, and the same quantized
// bytes decoded back to float32, for tests that hold a quantized model to the float path of the same values
// (packages/transformer/test/families-quantized.test.ts on the CPU, apps/cli/test/gpu-models.test.ts on gpu.js).
import { dequantizeGgml, quantizeQ8_0, writeGguf, type GgufFile } from '@transformer-kit/tensor';
import { quantizeQ4_0, quantizeQ4_K } from './quantize-blocks';

/** ggml type ids. */
export const GGML = { F32: 0, Q4_0: 2, Q8_0: 8, Q4_K: 12 } as const;
const ENCODE: Record<number, (x: Float32Array) => Uint8Array> = { [GGML.Q8_0]: quantizeQ8_0, [GGML.Q4_0]: quantizeQ4_0, [GGML.Q4_K]: quantizeQ4_K };
// readGguf keeps an array's values, not its element type: the tokenizer arrays' types as llama.cpp writes them
const ARRAY_TYPES: Record<string, number> = { 'tokenizer.ggml.tokens': 8, 'tokenizer.ggml.scores': 6, 'tokenizer.ggml.token_type': 5 };

/**
 * `source` with each matrix [rows, cols] stored as ggml type `typeOf(cols)` (vectors — norms, biases — stay F32,
 * as llama.cpp's quantizer leaves them): `quantized` as stored, `decoded` holding those bytes decoded to float32.
 */
export function quantizeGgufFile(source: GgufFile, typeOf: (cols: number) => number): { quantized: Uint8Array; decoded: Uint8Array } {
  const metadata = Object.fromEntries(
    Object.entries(source.metadata).map(([key, value]) => [key, { type: source.metadataTypes[key], value, elementType: ARRAY_TYPES[key] }]),
  );
  const quantized = [];
  const decoded = [];
  for (const info of source.tensors) {
    const values = source.read(info.name);
    const type = info.shape.length === 2 ? typeOf(info.shape[1]) : GGML.F32;
    const data = type === GGML.F32 ? new Uint8Array(values.buffer.slice(0)) : ENCODE[type](values);
    quantized.push({ name: info.name, shape: info.shape, type, data });
    decoded.push({ name: info.name, shape: info.shape, type: GGML.F32, data: new Uint8Array(dequantizeGgml(data, type, values.length).buffer) });
  }
  return { quantized: writeGguf({ metadata, tensors: quantized }), decoded: writeGguf({ metadata, tensors: decoded }) };
}
