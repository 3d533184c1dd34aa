import type { DecoderConfig, LlamaConfig } from '@transformer-kit/transformer';
import type { FamilyTraits } from './types';

/**
 * What the model's family adds to Llama's block, read from its config: the same fields the packages' family
 * files build from (models/qwen2.ts, phi3.ts, gemma.ts, gemma2.ts in @transformer-kit/transformer).
 */
export function familyTraits(config: LlamaConfig | DecoderConfig): { family: string; traits: FamilyTraits } {
  const family = 'family' in config ? config.family : 'llama';
  const gemma = family === 'gemma' || family === 'gemma2';
  const c = config as Partial<DecoderConfig>;
  return {
    family,
    traits: {
      activation: gemma ? 'gelu_tanh' : 'silu',
      embeddingScale: gemma ? Math.sqrt(config.dim) : 1,
      qkvBias: c.qkvBias ?? family === 'qwen2',
      qkNorm: family === 'qwen3',
      fused: family === 'phi3',
      postNorms: family === 'gemma2',
      attentionSoftCap: c.attentionSoftCap,
      finalSoftCap: c.finalSoftCap,
      slidingWindow: c.slidingWindow === undefined ? undefined : { size: c.slidingWindow, layers: family === 'gemma2' ? 'even' : 'all' },
    },
  };
}
