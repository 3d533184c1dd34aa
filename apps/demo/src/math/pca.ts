/**
 * The first two principal components of the rows of a [rows, dim] matrix, by power iteration on the
 * covariance (dim is small: 64 for stories260K, so dim × dim is nothing). Returns each row's coordinates.
 * A big vocabulary (150k rows) fits the components on an evenly strided sample of `maxFitRows` rows and
 * projects every row: the covariance of a 4k-row sample is already stable, and 150k × dim² would take minutes.
 * Deterministic: the iteration starts from a fixed vector, and each component's sign is fixed so that its
 * largest-magnitude entry is positive (the picture does not flip between runs).
 */
export function pca2(values: ArrayLike<number>, rows: number, dim: number, maxFitRows = 4096): { x: Float32Array; y: Float32Array; explained: [number, number] } {
  const stride = Math.max(1, Math.ceil(rows / maxFitRows));
  const fit: number[] = [];
  for (let r = 0; r < rows; r += stride) fit.push(r);
  const mean = new Float64Array(dim);
  for (const r of fit) for (let d = 0; d < dim; d++) mean[d] += values[r * dim + d] / fit.length;
  const cov = new Float64Array(dim * dim); // [dim, dim]
  for (const r of fit) {
    for (let i = 0; i < dim; i++) {
      const a = values[r * dim + i] - mean[i];
      for (let j = i; j < dim; j++) cov[i * dim + j] += (a * (values[r * dim + j] - mean[j])) / fit.length;
    }
  }
  for (let i = 0; i < dim; i++) for (let j = 0; j < i; j++) cov[i * dim + j] = cov[j * dim + i];
  let total = 0;
  for (let i = 0; i < dim; i++) total += cov[i * dim + i];

  const components: Float64Array[] = [];
  const eigenvalues: number[] = [];
  for (let k = 0; k < 2; k++) {
    let v = new Float64Array(dim).map((_, i) => 1 / Math.sqrt(dim) + i * 1e-3);
    let lambda = 0;
    for (let iter = 0; iter < 500; iter++) {
      const w = new Float64Array(dim);
      for (let i = 0; i < dim; i++) {
        let s = 0;
        for (let j = 0; j < dim; j++) s += cov[i * dim + j] * v[j];
        w[i] = s;
      }
      // Deflate: remove the directions already found.
      for (const c of components) {
        let dot = 0;
        for (let i = 0; i < dim; i++) dot += w[i] * c[i];
        for (let i = 0; i < dim; i++) w[i] -= dot * c[i];
      }
      const norm = Math.hypot(...w) || 1;
      const next = w.map((x) => x / norm);
      const delta = next.reduce((s, x, i) => s + Math.abs(x - v[i]), 0);
      v = next;
      lambda = norm;
      if (delta < 1e-10) break;
    }
    let biggest = 0;
    for (let i = 1; i < dim; i++) if (Math.abs(v[i]) > Math.abs(v[biggest])) biggest = i;
    if (v[biggest] < 0) v = v.map((x) => -x);
    components.push(v);
    eigenvalues.push(lambda);
  }
  const x = new Float32Array(rows);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let a = 0;
    let b = 0;
    for (let d = 0; d < dim; d++) {
      const c = values[r * dim + d] - mean[d];
      a += c * components[0][d];
      b += c * components[1][d];
    }
    x[r] = a;
    y[r] = b;
  }
  return { x, y, explained: [eigenvalues[0] / (total || 1), eigenvalues[1] / (total || 1)] };
}
