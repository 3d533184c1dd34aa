import { sizeOf, type RotaryLayout, type TensorHandle } from '@transformer-kit/tensor';
import { ints, tensors, type KernelPlan, type KernelSpec } from '../kernel-source';

/**
 * Rotary embedding of x [..., seq, dim] by cos/sin [seq, half]: `interleaved` rotates (2i, 2i+1),
 * `halves` rotates (i, i + half); dimensions past 2·half pass through.
 */
export function rotarySpec(layout: RotaryLayout): KernelSpec {
  let body =
    'const j = imod(this.thread.x, dim);\nconst pos = imod(idiv(this.thread.x, dim), seq);\n' +
    'if (j >= 2 * half) { return x[this.thread.x]; }\n';
  if (layout === 'interleaved') {
    body +=
      'const i = idiv(j, 2);\nconst c = cosT[pos * half + i];\nconst s = sinT[pos * half + i];\n' +
      'if (j - i * 2 === 0) {\nreturn x[this.thread.x] * c - x[this.thread.x + 1] * s;\n}\n' +
      'return x[this.thread.x - 1] * s + x[this.thread.x] * c;';
  } else {
    body +=
      'if (j < half) {\nreturn x[this.thread.x] * cosT[pos * half + j] - x[this.thread.x + half] * sinT[pos * half + j];\n}\n' +
      'const i = j - half;\nreturn x[this.thread.x - half] * sinT[pos * half + i] + x[this.thread.x] * cosT[pos * half + i];';
  }
  return { params: [...tensors('x', 'cosT', 'sinT'), ...ints('dim', 'seq', 'half')], body };
}

/** x [..., seq, dim] rotated by cos/sin [seq, half]. */
export function rotaryPlan(x: TensorHandle, cos: TensorHandle, sin: TensorHandle, layout: RotaryLayout): KernelPlan {
  const rank = x.shape.length;
  const half = cos.shape[cos.shape.length - 1];
  return [{ key: `rotary:${layout}`, make: () => rotarySpec(layout), size: sizeOf(x.shape), args: [x, cos, sin, x.shape[rank - 1], x.shape[rank - 2], half] }];
}
