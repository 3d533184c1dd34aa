/**
 * ggml's tensor types as GGUF stores them: id, name, and block geometry (elements per block, bytes per
 * block). The table covers every type llama.cpp defines so the reader can check sizes and offsets of
 * tensors it cannot decode; `WEIGHT_TYPES` lists the ones this package decodes and multiplies.
 */

/** Block geometry of a ggml type: `elements` values take `bytes` bytes. */
export interface GgmlTypeInfo {
  readonly id: number;
  readonly name: string;
  readonly elements: number;
  readonly bytes: number;
}

const t = (id: number, name: string, elements: number, bytes: number): GgmlTypeInfo => ({ id, name, elements, bytes });

// NOTE: ids 4 and 5 (Q4_2, Q4_3) and 31–33 (Q4_0_4_4 ...) were removed from ggml; a file using them is refused.
const TABLE: readonly GgmlTypeInfo[] = [
  t(0, 'F32', 1, 4), t(1, 'F16', 1, 2), t(2, 'Q4_0', 32, 18), t(3, 'Q4_1', 32, 20), t(6, 'Q5_0', 32, 22),
  t(7, 'Q5_1', 32, 24), t(8, 'Q8_0', 32, 34), t(9, 'Q8_1', 32, 36), t(10, 'Q2_K', 256, 84), t(11, 'Q3_K', 256, 110),
  t(12, 'Q4_K', 256, 144), t(13, 'Q5_K', 256, 176), t(14, 'Q6_K', 256, 210), t(15, 'Q8_K', 256, 292),
  t(16, 'IQ2_XXS', 256, 66), t(17, 'IQ2_XS', 256, 74), t(18, 'IQ3_XXS', 256, 98), t(19, 'IQ1_S', 256, 50),
  t(20, 'IQ4_NL', 32, 18), t(21, 'IQ3_S', 256, 110), t(22, 'IQ2_S', 256, 82), t(23, 'IQ4_XS', 256, 136),
  t(24, 'I8', 1, 1), t(25, 'I16', 1, 2), t(26, 'I32', 1, 4), t(27, 'I64', 1, 8), t(28, 'F64', 1, 8),
  t(29, 'IQ1_M', 256, 56), t(30, 'BF16', 1, 2), t(34, 'TQ1_0', 256, 54), t(35, 'TQ2_0', 256, 66), t(39, 'MXFP4', 32, 17),
];
const BY_ID = new Map(TABLE.map((x) => [x.id, x]));

/**
 * The weight types this package decodes (and the CPU backend multiplies without expanding), by GGUF name.
 * Their tensor dtypes are the lower-case names (`'q4_k'`), plus `'float16'` / `'bfloat16'`.
 */
export const WEIGHT_TYPES = ['F32', 'F16', 'BF16', 'Q4_0', 'Q4_1', 'Q5_0', 'Q5_1', 'Q8_0', 'Q2_K', 'Q3_K', 'Q4_K', 'Q5_K', 'Q6_K'] as const;

/**
 * ggml's type of this id, or undefined for an id ggml does not define.
 *
 * @example
 * ```ts
 * import { ggmlType } from '@transformer-kit/tensor';
 * console.log(ggmlType(12)); // { id: 12, name: 'Q4_K', elements: 256, bytes: 144 }
 * ```
 */
export function ggmlType(id: number): GgmlTypeInfo | undefined {
  return BY_ID.get(id);
}

/**
 * The type's name for messages: 'Q4_K', or 'type 99' for an id ggml does not define.
 *
 * @example
 * ```ts
 * import { ggmlTypeName } from '@transformer-kit/tensor';
 * console.log(ggmlTypeName(14), ggmlTypeName(99)); // Q6_K type 99
 * ```
 */
export function ggmlTypeName(id: number): string {
  return BY_ID.get(id)?.name ?? `type ${id}`;
}

/**
 * The ggml type of a GGUF name ('Q4_K' → 12).
 *
 * @example
 * ```ts
 * import { ggmlTypeId } from '@transformer-kit/tensor';
 * console.log(ggmlTypeId('Q8_0')); // 8
 * ```
 */
export function ggmlTypeId(name: string): number {
  const found = TABLE.find((x) => x.name === name);
  if (!found) throw new RangeError(`ggml type '${name}' is unknown (known: ${TABLE.map((x) => x.name).join(', ')})`);
  return found.id;
}
