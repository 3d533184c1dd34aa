import { ints, names, tensors, temp, type KernelArg, type KernelCall, type KernelPlan, type KernelSpec } from '../kernel-source';
import type { BlockedLayout } from '../gpu-data';
import { writeSliceCall } from './layout-kernels';

/**
 * A blocked tensor (see BlockedLayout) back to one contiguous texture, `count` blocks per launch: thread i of
 * [outer, n, inner] reads its block when the block is one of x0..x{count-1} (blocks first..first+count-1),
 * else the previous launch's output.
 */
export function unblockSpec(count: number): KernelSpec {
  let body =
    'const r = imod(this.thread.x, inner);\nconst rest = idiv(this.thread.x, inner);\nconst j = imod(rest, n);\nconst o = idiv(rest, n);\n' +
    'const blk = idiv(j, P);\nconst at = (o * P + j - blk * P) * inner + r;\n';
  for (let k = 0; k < count; k++) body += `if (blk === first + ${k}) {\nreturn x${k}[at];\n}\n`;
  body += 'return prev[this.thread.x];';
  return { params: [...tensors('prev', ...names('x', count)), ...ints('first', 'P', 'n', 'inner')], body };
}

/** The launches that join a blocked tensor (4 blocks per launch, each launch passing the others through). */
export function unblockPlan(layout: BlockedLayout): KernelPlan {
  const { outer, n, inner, block, buffers } = layout;
  const plan: KernelCall[] = [];
  for (let first = 0; first < buffers.length; first += 4) {
    const group = buffers.slice(first, first + 4).map((b) => b.value);
    const count = group.length;
    // NOTE: the first launch has no previous output; x0 stands in (elements outside the group are rewritten later).
    const prev: KernelArg = plan.length ? temp(plan.length - 1) : group[0];
    plan.push({ key: `unblock:${count}`, make: () => unblockSpec(count), size: outer * n * inner, args: [prev, ...group, first, block, n, inner] });
  }
  return plan;
}

/**
 * The new contents of block `index` after writing `value` ([outer, seq, inner] at position `begin` of the
 * blocked axis): the block re-rendered, `outer · block · inner` texels whatever the cache length.
 */
export function blockWriteCall(layout: BlockedLayout, index: number, value: KernelArg, seq: number, begin: number): KernelCall {
  const { outer, inner, block } = layout;
  return writeSliceCall(layout.buffers[index].value, [outer, block, inner], value, [outer, seq, inner], [0, begin - index * block, 0]);
}

/** Block `index` cut from a contiguous [outer, n, inner] source (positions past n are padding). */
export function blockSliceSpec(): KernelSpec {
  const body =
    'const r = imod(this.thread.x, inner);\nconst rest = idiv(this.thread.x, inner);\nconst j = imod(rest, P);\nconst o = idiv(rest, P);\n' +
    'const pos = first + j;\nif (pos >= n) {\nreturn 0.0;\n}\nreturn x[(o * n + pos) * inner + r];';
  return { params: [...tensors('x'), ...ints('first', 'P', 'n', 'inner')], body };
}

/** Launch that cuts block `index` of a contiguous source into its own texture. */
export function blockSliceCall(source: KernelArg, outer: number, n: number, inner: number, block: number, index: number): KernelCall {
  return { key: 'blockSlice', make: blockSliceSpec, size: outer * block * inner, args: [source, index * block, block, n, inner] };
}
