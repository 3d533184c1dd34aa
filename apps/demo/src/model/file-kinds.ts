/** GGUF files start with the magic "GGUF". */
export function isGguf(bytes: ArrayBuffer | null): boolean {
  if (!bytes) return false;
  const b = new Uint8Array(bytes, 0, Math.min(4, bytes.byteLength));
  return b.length === 4 && b[0] === 0x47 && b[1] === 0x47 && b[2] === 0x55 && b[3] === 0x46;
}

/**
 * True when the bytes walk as llama2.c's tokenizer format to the exact end: int32 max_token_length, then
 * (float32 score, int32 length ≤ max, bytes) records. A checkpoint's floats do not walk like that.
 */
export function looksLikeLlama2cTokenizer(bytes: ArrayBuffer): boolean {
  if (bytes.byteLength < 12) return false;
  const view = new DataView(bytes);
  const maxLength = view.getInt32(0, true);
  if (maxLength <= 0 || maxLength > 1 << 16) return false;
  let pos = 4;
  while (pos + 8 <= bytes.byteLength) {
    const length = view.getInt32(pos + 4, true);
    if (length < 0 || length > maxLength) return false;
    pos += 8 + length;
  }
  return pos === bytes.byteLength;
}

/** The file names of a Hugging Face model folder this page reads. */
export const HF_FILES = ['config.json', 'model.safetensors', 'model.safetensors.index.json', 'tokenizer.json'] as const;

/** True when the names look like a Hugging Face folder's files (config.json is the key). */
export function isHuggingFaceFolder(names: readonly string[]): boolean {
  return names.includes('config.json');
}
