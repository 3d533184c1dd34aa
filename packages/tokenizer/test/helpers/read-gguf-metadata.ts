/**
 * A test-only GGUF v2/v3 key/value reader: the real GGUF reader belongs to the transformer package, the
 * tokenizer only takes the parsed metadata object, so tests need just enough to produce that object.
 *
 * @example
 * const meta = readGgufMetadata(readFileSync('ggml-vocab-gpt-2.gguf'));
 * meta['tokenizer.ggml.model']; // 'gpt2'
 */
export function readGgufMetadata(bytes: Uint8Array): Record<string, unknown> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder();
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > bytes.byteLength) throw new Error(`GGUF: truncated at byte ${pos} (needed ${n} more)`);
  };
  const u32 = () => (need(4), (pos += 4), view.getUint32(pos - 4, true));
  const u64 = () => (need(8), (pos += 8), Number(view.getBigUint64(pos - 8, true)));
  const str = () => {
    const n = u64();
    need(n);
    pos += n;
    return decoder.decode(bytes.subarray(pos - n, pos));
  };
  const scalar = (type: number): unknown => {
    switch (type) {
      case 0: return (need(1), (pos += 1), view.getUint8(pos - 1));
      case 1: return (need(1), (pos += 1), view.getInt8(pos - 1));
      case 2: return (need(2), (pos += 2), view.getUint16(pos - 2, true));
      case 3: return (need(2), (pos += 2), view.getInt16(pos - 2, true));
      case 4: return u32();
      case 5: return (need(4), (pos += 4), view.getInt32(pos - 4, true));
      case 6: return (need(4), (pos += 4), view.getFloat32(pos - 4, true));
      case 7: return (need(1), (pos += 1), view.getUint8(pos - 1) !== 0);
      case 8: return str();
      case 9: {
        const elemType = u32();
        const count = u64();
        const out: unknown[] = new Array(count);
        for (let i = 0; i < count; i++) out[i] = scalar(elemType);
        return out;
      }
      case 10: return u64();
      case 11: return (need(8), (pos += 8), Number(view.getBigInt64(pos - 8, true)));
      case 12: return (need(8), (pos += 8), view.getFloat64(pos - 8, true));
      default: throw new Error(`GGUF: unknown value type ${type} at byte ${pos}`);
    }
  };
  need(4);
  if (decoder.decode(bytes.subarray(0, 4)) !== 'GGUF') throw new Error('GGUF: bad magic');
  pos = 4;
  const version = u32();
  if (version !== 2 && version !== 3) throw new Error(`GGUF: unsupported version ${version}`);
  u64(); // tensor count: tensors are not the tokenizer's business
  const kvCount = u64();
  const meta: Record<string, unknown> = {};
  for (let i = 0; i < kvCount; i++) {
    const key = str();
    meta[key] = scalar(u32());
  }
  return meta;
}
