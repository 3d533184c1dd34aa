// The fixed-seed random Llama checkpoints the benches use (generate, gpu, quant; ../shared/models/r42m was made
// from the same generator). Browser-safe (no Node imports): the gpu bench also builds it inside Chromium.

/** A llama2.c checkpoint of the given shape with N(0, 0.02²) weights from a fixed-seed generator (mulberry32 + Box-Muller). */
export function randomLlama2cBin({ dim, hidden, layers, heads, kvHeads, vocab, seqLen }, seed) {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const headDim = dim / heads;
  const kvDim = kvHeads * headDim;
  const counts = [vocab * dim, layers * dim, layers * dim * dim, layers * kvDim * dim, layers * kvDim * dim, layers * dim * dim, layers * dim, layers * hidden * dim, layers * dim * hidden, layers * hidden * dim, dim, seqLen * headDim / 2, seqLen * headDim / 2];
  const total = counts.reduce((a, b) => a + b, 0);
  const bytes = new Uint8Array(28 + 4 * total);
  new Int32Array(bytes.buffer, 0, 7).set([dim, hidden, layers, heads, kvHeads, vocab, seqLen]);
  const w = new Float32Array(bytes.buffer, 28, total);
  let at = 0;
  counts.forEach((n, i) => {
    const isNorm = i === 1 || i === 6 || i === 10;
    for (let j = 0; j < n; j++) {
      if (isNorm) w[at + j] = 1;
      else if (i < 11) w[at + j] = 0.02 * Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
    }
    at += n;
  });
  return { bytes, parameters: total - 2 * (seqLen * headDim / 2) };
}
