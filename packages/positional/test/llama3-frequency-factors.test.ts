import { describe, expect, it } from 'vitest';
import { llama3FrequencyFactors, rotaryFrequencies, rotaryTables, RotaryEmbedding } from '../src/index';

// Llama 3.1 8B's rope_scaling: theta 500000, head 128, factor 8, low 1, high 4, original context 8192.
const LLAMA31 = { factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 };

describe('llama3FrequencyFactors', () => {
  const f = llama3FrequencyFactors(128, 500000, LLAMA31);

  it('leaves pairs with wavelength < 8192/4 alone and slows those > 8192/1 by 8 (pairs 0–28 and 35–63)', () => {
    // wavelength_i = 2π · 500000^(i/64): below 2048 up to i = 28 (1990.6), above 8192 from i = 35 (8569.6)
    expect(Array.from(f.slice(0, 29))).toEqual(new Array(29).fill(1));
    expect(Array.from(f.slice(35))).toEqual(new Array(29).fill(8));
  });

  it('blends the band between, as Hugging Face and llama.cpp’s converter do', () => {
    // i = 32: wavelength 2π·√500000 = 4442.883; smooth = (8192 / 4442.883 − 1) / 3 = 0.2812826;
    // divisor = 1 / ((1 − smooth) / 8 + smooth) = 2.6945297 (by hand from the published formula)
    expect(f[32]).toBeCloseTo(2.6945297, 6);
    for (let i = 29; i < 35; i++) expect(f[i]).toBeGreaterThan(f[i - 1]);
  });

  it('refuses parameters the formula cannot use', () => {
    expect(() => llama3FrequencyFactors(128, 500000, { ...LLAMA31, factor: 0 })).toThrow(/factor must be a finite number > 0, got 0/);
    expect(() => llama3FrequencyFactors(128, 500000, { ...LLAMA31, highFreqFactor: 1 })).toThrow(/highFreqFactor \(1\) must exceed lowFreqFactor \(1\)/);
  });
});

describe('frequencyFactors', () => {
  it('divides each pair’s frequency', () => {
    const plain = rotaryFrequencies(8, 10000);
    const scaled = rotaryFrequencies(8, 10000, [1, 2.5, 8, 8]);
    expect(Array.from(scaled)).toEqual([plain[0], plain[1] / 2.5, plain[2] / 8, plain[3] / 8]);
  });

  it('turns pair i by position · freq_i / factor_i in the tables', () => {
    const { cos, sin } = rotaryTables(3, 4, { theta: 10000, offset: 5, frequencyFactors: [2, 4] });
    const angle = (p: number, i: number) => (p * [1, 0.01][i]) / [2, 4][i];
    const c = cos.dataSync();
    const s = sin.dataSync();
    for (let p = 0; p < 3; p++) {
      for (let i = 0; i < 2; i++) {
        expect(c[p * 2 + i]).toBeCloseTo(Math.cos(angle(p + 5, i)), 6);
        expect(s[p * 2 + i]).toBeCloseTo(Math.sin(angle(p + 5, i)), 6);
      }
    }
  });

  it('refuses a wrong count or a non-positive divisor when the layer is made', () => {
    expect(() => new RotaryEmbedding({ headDim: 8, frequencyFactors: [1, 2, 3] })).toThrow(/frequencyFactors needs 4 values \(rotaryDim \/ 2\), got 3/);
    expect(() => new RotaryEmbedding({ headDim: 8, frequencyFactors: [1, 2, 0, 4] })).toThrow(/frequencyFactors\[2\] must be a finite number > 0, got 0/);
  });
});
