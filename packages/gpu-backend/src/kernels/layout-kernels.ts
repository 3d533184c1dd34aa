import { decompose, dot, ints, names, tensors, type KernelSpec } from '../kernel-source';

/**
 * out[c] = x[base + Σ c_d · s_d]: transpose (strides permuted) and slice (base = the block's start) are
 * both this walk over `rank` collapsed dimensions.
 */
export function stridedCopySpec(rank: number): KernelSpec {
  return {
    params: [...tensors('x'), ...ints('base', ...names('d', rank).slice(1), ...names('s', rank))],
    body: decompose(rank, 'c', 'd') + `return x[base + ${dot('c', 's', rank)}];`,
  };
}

/**
 * Concatenation of `count` tensors seen as [outer, row_k]: output row = the rows of x0..x{count-1} side by
 * side. r_k is input k's row length, rowOut their sum.
 */
export function concatSpec(count: number): KernelSpec {
  let body = 'const col = imod(this.thread.x, rowOut);\nconst row = idiv(this.thread.x, rowOut);\nlet start = 0;\n';
  for (let k = 0; k < count - 1; k++) {
    body += `if (col < start + r${k}) {\nreturn x${k}[row * r${k} + col - start];\n}\nstart = start + r${k};\n`;
  }
  body += `return x${count - 1}[row * r${count - 1} + col - start];`;
  return { params: [...tensors(...names('x', count)), ...ints(...names('r', count), 'rowOut')], body };
}

/** table [outer, n, inner] gathered at float-stored ids [count] → [outer, count, inner]. */
export function gatherSpec(): KernelSpec {
  const body =
    'const inner = imod(this.thread.x, innerSize);\nconst rest = idiv(this.thread.x, innerSize);\n' +
    'const k = imod(rest, count);\nconst outer = idiv(rest, count);\n' +
    'const id = toInt(ids[k]);\nreturn table[(outer * n + id) * innerSize + inner];';
  return { params: [...tensors('table', 'ids'), ...ints('n', 'innerSize', 'count')], body };
}

/**
 * The in-place KV-cache append as a copy: out = target with `value` [v0, v1, ...] written at `begin`.
 * The backend swaps the new texture into the target's DataId.
 */
export function writeSliceSpec(rank: number): KernelSpec {
  let body = decompose(rank, 'c', 'd') + 'let inside = 1;\n';
  for (let d = 0; d < rank; d++) body += `if (c${d} < b${d} || c${d} >= b${d} + v${d}) { inside = 0; }\n`;
  const rel = Array.from({ length: rank }, (_, d) => `(c${d} - b${d}) * vs${d}`).join(' + ');
  body += `if (inside === 1) {\nreturn value[${rel}];\n}\nreturn target[this.thread.x];`;
  return {
    params: [...tensors('target', 'value'), ...ints(...names('d', rank).slice(1), ...names('b', rank), ...names('v', rank), ...names('vs', rank))],
    body,
  };
}
