/** Builds safetensors bytes by hand (8-byte little-endian header length, JSON header, data) for the reader's tests. */
export interface RawEntry {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly bytes: Uint8Array;
  /** Overrides the computed data_offsets (to make a lying header). */
  readonly offsets?: readonly number[];
}

export function buildSafetensors(entries: Record<string, RawEntry>, metadata?: Record<string, string>, headerPadding = 0): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, e] of Object.entries(entries)) {
    header[name] = { dtype: e.dtype, shape: e.shape, data_offsets: e.offsets ?? [offset, offset + e.bytes.length] };
    offset += e.bytes.length;
  }
  return assemble(new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(headerPadding)), Object.values(entries).map((e) => e.bytes));
}

/** 8-byte length + header bytes + data chunks. */
export function assemble(headerBytes: Uint8Array, chunks: readonly Uint8Array[]): Uint8Array {
  const dataLength = chunks.reduce((a, c) => a + c.length, 0);
  const out = new Uint8Array(8 + headerBytes.length + dataLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Little-endian bytes of values written with a DataView setter. */
export function le(width: number, values: readonly (number | bigint)[], set: (view: DataView, at: number, v: never) => void): Uint8Array {
  const out = new Uint8Array(width * values.length);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => set(view, i * width, v as never));
  return out;
}
