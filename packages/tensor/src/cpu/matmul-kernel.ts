/**
 * The CPU matmul kernel: C[M, N] = A[M, K] · B[K, N], on flat Float32Arrays at offsets.
 *
 * Why it is shaped like this (measured by `npm run bench`):
 * - The inner loop is a dot product over contiguous memory: B is used transposed ([N, K]) so that both
 *   operands stream. When B arrives as [K, N] it is packed once per call into [N, K].
 * - A 2×4 register block (8 accumulators) reuses each loaded value 4 or 2 times.
 * - Columns are processed in panels of `PANEL` rows of Bᵀ so the panel stays in L2 across all rows of A.
 * - One or two rows (M ≤ 2, the decode step) with B as [K, N] use an axpy loop instead (no packing) that
 *   folds four rows of B into each pass over the accumulator row: one accumulator load/store per four
 *   multiply-adds made [1×768]·[768×3072] about twice as fast as one row of B per pass. (A 4×4 register
 *   block was measured too: within 2% of 2×4, and slower when M is not a multiple of 4.)
 */
const PANEL = 64;

/** Scratch buffer reused across calls to avoid an allocation per matmul. */
let scratch = new Float32Array(0);
function scratchOf(size: number): Float32Array {
  if (scratch.length < size) scratch = new Float32Array(size);
  return scratch;
}

/** A row-major [rows, cols] block at `offset`, copied transposed into `out` as [cols, rows]. */
function transposeInto(src: Float32Array, offset: number, rows: number, cols: number, out: Float32Array): void {
  for (let r = 0; r < rows; r++) {
    const rowBase = offset + r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = src[rowBase + c];
  }
}

/**
 * C[M,N] (at cOff) = op(A) · op(B), where op(A) is [M,K] and op(B) is [K,N].
 * `transA`: A is stored [K, M]. `transB`: B is stored [N, K].
 */
export function gemm(
  a: Float32Array, aOff: number, transA: boolean,
  b: Float32Array, bOff: number, transB: boolean,
  c: Float32Array, cOff: number,
  m: number, n: number, k: number,
): void {
  let aRows = a;
  let aBase = aOff;
  if (transA) {
    // NOTE: A is small next to B in every use here (queries, activations), so one transposed copy is cheap.
    aRows = new Float32Array(m * k);
    transposeInto(a, aOff, k, m, aRows);
    aBase = 0;
  }
  if (!transB && m <= 2) {
    axpyRows(aRows, aBase, b, bOff, c, cOff, m, n, k);
    return;
  }
  let bt = b;
  let btBase = bOff;
  if (!transB) {
    bt = scratchOf(n * k);
    transposeInto(b, bOff, k, n, bt);
    btBase = 0;
  }
  dotKernel(aRows, aBase, bt, btBase, c, cOff, m, n, k);
}

let rowAccumulator = new Float64Array(0);

/** C[i, :] = Σ_k A[i, k] · B[k, :] with B row-major [K, N]: streams rows of B, four at a time. */
function axpyRows(a: Float32Array, aOff: number, b: Float32Array, bOff: number, c: Float32Array, cOff: number, m: number, n: number, k: number): void {
  // NOTE: accumulate in float64 like the dot kernel's JS-number accumulators, so both paths round alike.
  if (rowAccumulator.length < n) rowAccumulator = new Float64Array(n);
  const acc = rowAccumulator;
  for (let i = 0; i < m; i++) {
    acc.fill(0, 0, n);
    const ai = aOff + i * k;
    let p = 0;
    // four rows of B per pass: one load/store of the accumulator per four multiply-adds
    for (; p + 3 < k; p += 4) {
      const x0 = a[ai + p];
      const x1 = a[ai + p + 1];
      const x2 = a[ai + p + 2];
      const x3 = a[ai + p + 3];
      const b0 = bOff + p * n;
      const b1 = b0 + n;
      const b2 = b1 + n;
      const b3 = b2 + n;
      for (let j = 0; j < n; j++) acc[j] += x0 * b[b0 + j] + x1 * b[b1 + j] + x2 * b[b2 + j] + x3 * b[b3 + j];
    }
    for (; p < k; p++) {
      const x = a[ai + p];
      const bp = bOff + p * n;
      for (let j = 0; j < n; j++) acc[j] += x * b[bp + j];
    }
    const ci = cOff + i * n;
    for (let j = 0; j < n; j++) c[ci + j] = acc[j];
  }
}

/** C[i, j] = Σ_k A[i, k] · Bt[j, k]: both rows contiguous; 2×4 register blocks, panels of Bt. */
function dotKernel(a: Float32Array, aOff: number, bt: Float32Array, bOff: number, c: Float32Array, cOff: number, m: number, n: number, k: number): void {
  // one row (a decode step): panels buy nothing, every column of Bt is read once anyway
  if (m === 1) return rowTimesColumns(a, aOff, bt, bOff, c, cOff, 0, n, k);
  for (let j0 = 0; j0 < n; j0 += PANEL) {
    const j1 = Math.min(n, j0 + PANEL);
    let i = 0;
    for (; i + 1 < m; i += 2) {
      const a0 = aOff + i * k;
      const a1 = a0 + k;
      let j = j0;
      for (; j + 3 < j1; j += 4) {
        const b0 = bOff + j * k;
        const b1 = b0 + k;
        const b2 = b1 + k;
        const b3 = b2 + k;
        let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        for (let p = 0; p < k; p++) {
          const x0 = a[a0 + p];
          const x1 = a[a1 + p];
          const y0 = bt[b0 + p];
          const y1 = bt[b1 + p];
          const y2 = bt[b2 + p];
          const y3 = bt[b3 + p];
          s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
          s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        }
        const c0 = cOff + i * n + j;
        const c1 = c0 + n;
        c[c0] = s00; c[c0 + 1] = s01; c[c0 + 2] = s02; c[c0 + 3] = s03;
        c[c1] = s10; c[c1 + 1] = s11; c[c1 + 2] = s12; c[c1 + 3] = s13;
      }
      for (; j < j1; j++) {
        const b0 = bOff + j * k;
        let s0 = 0, s1 = 0;
        for (let p = 0; p < k; p++) {
          const y = bt[b0 + p];
          s0 += a[a0 + p] * y;
          s1 += a[a1 + p] * y;
        }
        c[cOff + i * n + j] = s0;
        c[cOff + (i + 1) * n + j] = s1;
      }
    }
    for (; i < m; i++) rowTimesColumns(a, aOff + i * k, bt, bOff, c, cOff + i * n, j0, j1, k);
  }
}

let rowScratch = new Float64Array(0);

/**
 * c[j] = Σ_p a[p] · Bt[j, p] for columns j0..j1 of one row of A (a decode step is all this).
 * NOTE: the row is copied into a Float64Array first and eight columns share each load of it: with the arrays
 * passed as arguments V8 checks bounds and converts float32 on every load, and this halves the loads of A
 * and the conversions (~1.3-1.5× a four-column loop over the Float32Array row, measured on decode shapes).
 * Each column still sums in order p = 0..k-1, so results equal the plain dot product's.
 */
function rowTimesColumns(a: Float32Array, aOff: number, bt: Float32Array, bOff: number, c: Float32Array, cOff: number, j0: number, j1: number, k: number): void {
  if (rowScratch.length < k) rowScratch = new Float64Array(k);
  const x = rowScratch;
  for (let p = 0; p < k; p++) x[p] = a[aOff + p];
  let j = j0;
  for (; j + 7 < j1; j += 8) {
    const b0 = bOff + j * k;
    const b1 = b0 + k, b2 = b1 + k, b3 = b2 + k, b4 = b3 + k, b5 = b4 + k, b6 = b5 + k, b7 = b6 + k;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    for (let p = 0; p < k; p++) {
      const xp = x[p];
      s0 += xp * bt[b0 + p]; s1 += xp * bt[b1 + p]; s2 += xp * bt[b2 + p]; s3 += xp * bt[b3 + p];
      s4 += xp * bt[b4 + p]; s5 += xp * bt[b5 + p]; s6 += xp * bt[b6 + p]; s7 += xp * bt[b7 + p];
    }
    const o = cOff + j;
    c[o] = s0; c[o + 1] = s1; c[o + 2] = s2; c[o + 3] = s3;
    c[o + 4] = s4; c[o + 5] = s5; c[o + 6] = s6; c[o + 7] = s7;
  }
  for (; j < j1; j++) {
    const b0 = bOff + j * k;
    let s = 0;
    for (let p = 0; p < k; p++) s += x[p] * bt[b0 + p];
    c[cOff + j] = s;
  }
}
