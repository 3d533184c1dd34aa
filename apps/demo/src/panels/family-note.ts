import type { ModelInfo } from '../model/types';

/**
 * One sentence per thing the model's family adds to Llama's block, saying where the block panel shows it (drawn,
 * or only through the real attention weights and hidden states it reads).
 */
export function familyNote(info: ModelInfo): string {
  const t = info.traits;
  const notes: string[] = [];
  if (t.embeddingScale !== 1) notes.push(`the embedding is multiplied by √dim = ${t.embeddingScale.toFixed(2)} on lookup (the stream entering layer 0 is that scaled row; the tied output head reads the table unscaled)`);
  if (t.qkvBias) notes.push('q, k and v projections add biases (v’s bias is in “+ attention”; q’s and k’s act through the attention weights)');
  if (t.qkNorm) notes.push('each head’s q and k go through an RMSNorm of their own before RoPE (not drawn: it acts through the attention weights)');
  if (t.fused) notes.push('q, k, v come from one fused matrix and gate, up from another, cut by rows here as the model does');
  if (t.activation === 'gelu_tanh') notes.push('the feed-forward gate is GELU (tanh approximation), not silu: a GeGLU');
  if (t.postNorms) notes.push('each half’s output is RMS-normalised before it is added (“+ norm(attn)”, “+ norm(ffn)”; their γ are drawn with the others)');
  if (t.attentionSoftCap !== undefined) notes.push(`attention scores are soft-capped, ${t.attentionSoftCap} · tanh(s / ${t.attentionSoftCap}) (not drawn: inside the attention weights)`);
  if (t.slidingWindow) notes.push(`${t.slidingWindow.layers === 'even' ? 'even layers attend' : 'every layer attends'} within a window of ${t.slidingWindow.size} positions (inside the attention weights)`);
  if (t.finalSoftCap !== undefined) notes.push(`the logits are soft-capped, ${t.finalSoftCap} · tanh(z / ${t.finalSoftCap}) (applied in the logit lens too)`);
  if (notes.length === 0) return `${info.family}: the Llama block as drawn (RMSNorm, RoPE attention, SwiGLU).`;
  return `${info.family}: Llama’s block plus — ${notes.join('; ')}.`;
}
