import type { RotaryLayout } from '../../backend';
import { attend, type AttendOptions } from '../../ops/attend';
import { applyRotary } from '../../ops/rotary';
import type { Shape } from '../../shape';
import type { CaseContext } from '../case-context';
import { defineCase, type ConformanceCase } from '../conformance-case';
import { refAttention, refRotary } from '../reference';

const fused = { fused: true };

/** Angle tables [seq, half] for positions offset.. with RoPE frequencies θ^(-2i/rotaryDim). */
function angles(seq: number, half: number, offset: number, theta: number): { cos: number[]; sin: number[] } {
  const cos: number[] = [];
  const sin: number[] = [];
  for (let p = 0; p < seq; p++) {
    for (let i = 0; i < half; i++) {
      const a = (offset + p) * theta ** ((-2 * i) / (2 * half));
      cos.push(Math.cos(a));
      sin.push(Math.sin(a));
    }
  }
  return { cos, sin };
}

async function checkRotary(c: CaseContext, shape: Shape, half: number, layout: RotaryLayout, offset: number, seed: number): Promise<void> {
  const seq = shape[shape.length - 2];
  const x = c.random(shape, seed, -2, 2);
  const { cos, sin } = angles(seq, half, offset, 10000);
  const cosT = c.tensor(cos, [seq, half]);
  const sinT = c.tensor(sin, [seq, half]);
  const cos32 = Float32Array.from(cos);
  const sin32 = Float32Array.from(sin);
  await c.expect(`${layout} ${JSON.stringify(shape)} rotaryDim ${2 * half}`, applyRotary(x.t, cosT, sinT, layout), { shape, values: refRotary(x.v, shape, cos32, sin32, half, layout) });
}

interface AttendCase {
  readonly q: Shape;
  readonly kv: Shape;
  readonly options: AttendOptions;
}

/** Random q, k, v; positions past kvLength in k/v are NaN, so reading them anywhere shows up in the output. */
async function checkAttend(c: CaseContext, label: string, { q: qShape, kv: kvShape, options }: AttendCase, seed: number): Promise<void> {
  const q = c.random(qShape, seed, -2, 2);
  const k = c.random(kvShape, seed + 1, -2, 2);
  const v = c.random(kvShape, seed + 2, -2, 2);
  const seqK = kvShape[2];
  const kvLength = options.kvLength ?? seqK;
  const seqQ = qShape[2];
  const causal = options.causal ?? false;
  let kt = k.t;
  let vt = v.t;
  if (kvLength < seqK) {
    const poison = (values: Float64Array) => Array.from(values, (x, i) => (Math.floor(i / kvShape[3]) % seqK >= kvLength ? NaN : x));
    kt = c.tensor(poison(k.v), kvShape);
    vt = c.tensor(poison(v.v), kvShape);
  }
  const expected = refAttention(q.v, qShape, k.v, v.v, kvShape, {
    scale: options.scale ?? 1 / Math.sqrt(qShape[3]),
    causal,
    queryOffset: options.queryOffset ?? (causal ? kvLength - seqQ : 0),
    kvLength,
  });
  await c.expect(label, attend(q.t, kt, vt, options), expected);
}

/** applyRotary in both layouts (full and partial) and attend in every mode, against float64 references. */
export const attentionCases: ConformanceCase[] = [
  ...defineCase('applyRotary: by hand (a quarter turn)', async (c) => {
    const x = c.tensor([1, 2, 3, 4], [1, 4]);
    const cos = c.tensor([0, 1], [1, 2]);
    const sin = c.tensor([1, 0], [1, 2]);
    // interleaved pairs (1, 2) by 90° and (3, 4) by 0°; halves pairs (1, 3) by 90° and (2, 4) by 0°
    await c.expect('interleaved', applyRotary(x, cos, sin, 'interleaved'), { shape: [1, 4], values: [-2, 1, 3, 4] });
    await c.expect('halves', applyRotary(x, cos, sin, 'halves'), { shape: [1, 4], values: [-3, 2, 1, 4] });
  }, fused),
  ...defineCase('applyRotary: interleaved, [2, 3, 5, 8] and [1, 4, 7, 16] vs float64', async (c) => {
    await checkRotary(c, [2, 3, 5, 8], 4, 'interleaved', 0, 70);
    await checkRotary(c, [1, 4, 7, 16], 8, 'interleaved', 37, 71);
  }, fused),
  ...defineCase('applyRotary: halves, [2, 3, 5, 8] and [1, 4, 7, 16] vs float64', async (c) => {
    await checkRotary(c, [2, 3, 5, 8], 4, 'halves', 0, 72);
    await checkRotary(c, [1, 4, 7, 16], 8, 'halves', 37, 73);
  }, fused),
  ...defineCase('applyRotary: partial rotary (rotaryDim < headDim) in both layouts', async (c) => {
    await checkRotary(c, [1, 2, 5, 16], 4, 'interleaved', 3, 74);
    await checkRotary(c, [1, 2, 5, 16], 4, 'halves', 3, 75);
    await checkRotary(c, [3, 6, 10], 1, 'halves', 0, 76);
  }, fused),
  ...defineCase('applyRotary: table shape errors name the shapes', async (c) => {
    const x = c.tensor(new Array(12).fill(0), [3, 4]);
    await c.expectError('seq mismatch', () => applyRotary(x, c.tensor([1, 1], [1, 2]), c.tensor([0, 0], [1, 2]), 'halves'), '[1, 2]');
    await c.expectError('rotaryDim > dim', () => applyRotary(x, c.tensor(new Array(9).fill(1), [3, 3]), c.tensor(new Array(9).fill(0), [3, 3]), 'halves'), '6', '4');
  }),
  ...defineCase('attend: multi-head, no mask, seqQ = seqK = 5, headDim 8', async (c) => {
    await checkAttend(c, 'mha', { q: [2, 3, 5, 8], kv: [2, 3, 5, 8], options: {} }, 80);
    await checkAttend(c, 'custom scale', { q: [1, 2, 4, 8], kv: [1, 2, 6, 8], options: { scale: 0.5 } }, 81);
  }, fused),
  ...defineCase('attend: causal, and causal with fewer queries than keys', async (c) => {
    await checkAttend(c, 'causal', { q: [1, 4, 6, 16], kv: [1, 4, 6, 16], options: { causal: true } }, 82);
    await checkAttend(c, 'causal last 2 queries (default offset)', { q: [1, 2, 2, 8], kv: [1, 2, 7, 8], options: { causal: true } }, 83);
  }, fused),
  ...defineCase('attend: grouped-query (8 heads on 2) and multi-query (4 on 1)', async (c) => {
    await checkAttend(c, 'gqa causal', { q: [2, 8, 5, 4], kv: [2, 2, 5, 4], options: { causal: true } }, 84);
    await checkAttend(c, 'mqa', { q: [1, 4, 3, 8], kv: [1, 1, 7, 8], options: {} }, 85);
    await checkAttend(c, 'gqa odd headDim', { q: [1, 4, 3, 5], kv: [1, 2, 6, 5], options: { causal: true } }, 92);
    await checkAttend(c, 'gqa 6 on 2 (odd group)', { q: [1, 6, 2, 4], kv: [1, 2, 4, 4], options: {} }, 93);
  }, fused),
  ...defineCase('attend: a KV cache (kvLength < capacity, queryOffset), unread positions are NaN', async (c) => {
    // one decode step at position 5 over a cache of capacity 9 holding 6 positions
    await checkAttend(c, 'decode step', { q: [1, 4, 1, 8], kv: [1, 2, 9, 8], options: { causal: true, queryOffset: 5, kvLength: 6 } }, 86);
    // a block of 3 queries at positions 2..4 over 5 valid positions
    await checkAttend(c, 'prefill block', { q: [2, 2, 3, 8], kv: [2, 2, 8, 8], options: { causal: true, queryOffset: 2, kvLength: 5 } }, 87);
    await checkAttend(c, 'non-causal kvLength', { q: [1, 2, 2, 4], kv: [1, 1, 6, 4], options: { kvLength: 3 } }, 88);
  }, fused),
  ...defineCase('attend: an empty cache (kvLength 0): every query attends nowhere, zeros', async (c) => {
    await checkAttend(c, 'kvLength 0', { q: [1, 2, 3, 4], kv: [1, 1, 5, 4], options: { kvLength: 0 } }, 91);
  }, fused),
  ...defineCase('attend: seqQ = 1, seqK = 1 and headDim 1', async (c) => {
    await checkAttend(c, 'one key', { q: [1, 1, 1, 1], kv: [1, 1, 1, 1], options: { causal: true } }, 89);
    await checkAttend(c, 'headDim 1', { q: [1, 2, 3, 1], kv: [1, 2, 3, 1], options: {} }, 90);
  }, fused),
  ...defineCase('attend: bad shapes are errors naming them', async (c) => {
    const q = c.tensor(new Array(24).fill(0), [1, 3, 2, 4]);
    const kv = c.tensor(new Array(16).fill(0), [1, 2, 2, 4]);
    await c.expectError('3 heads on 2', () => attend(q, kv, kv), '3 query heads', '2 key/value heads');
    const wrongDim = c.tensor(new Array(12).fill(0), [1, 3, 2, 2]);
    await c.expectError('headDim', () => attend(q, wrongDim, wrongDim), '[1, 3, 2, 2]', '[1, 3, 2, 4]');
    await c.expectError('kvLength', () => attend(q, q, q, { kvLength: 3 }), 'kvLength 3');
  }),
];
