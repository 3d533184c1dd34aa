/** The one byte in which a module importing a non-shared memory differs from the shared build (build-wasm.mjs). */
export interface UnsharedPatch {
  /** Byte offset of the memory import's limits flags. */
  readonly offset: number;
  /** The flags with `shared` set (as built). */
  readonly shared: number;
  /** The flags without it. */
  readonly unshared: number;
}

/**
 * A kernel module's bytes from the hex that scripts/build-wasm.mjs writes, in the variant asked for: `shared`
 * imports a shared memory (threads); otherwise the memory import's flags byte is patched to a non-shared one.
 *
 * @example
 * ```ts
 * import { wasmBytes } from './packages/tensor/src/cpu/wasm/wasm-bytes';
 * const bytes = wasmBytes('0061736d01000000', true, { offset: 4, shared: 1, unshared: 1 });
 * console.log(Array.from(bytes)); // [ 0, 97, 115, 109, 1, 0, 0, 0 ] (the 8-byte header of an empty module)
 * ```
 */
export function wasmBytes(hex: string, shared: boolean, patch: UnsharedPatch): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hex.length >> 1);
  // '0'–'9' (0x30–0x39) → 0–9, 'a'–'f' (0x61–0x66) → 10–15, with no string made per byte
  const nibble = (c: number) => (c & 15) + (c >> 6) * 9;
  for (let i = 0; i < bytes.length; i++) bytes[i] = (nibble(hex.charCodeAt(2 * i)) << 4) | nibble(hex.charCodeAt(2 * i + 1));
  if (bytes[patch.offset] !== patch.shared) {
    throw new Error(`wasmBytes: byte ${patch.offset} is ${bytes[patch.offset]}, expected the shared memory flags ${patch.shared} (a stale generated module?)`);
  }
  if (!shared) bytes[patch.offset] = patch.unshared;
  return bytes;
}
