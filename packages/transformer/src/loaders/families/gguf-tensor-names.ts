/**
 * ggml's per-layer tensor names (`blk.N.attn_q.weight`) and their Hugging Face names
 * (`model.layers.N.self_attn.q_proj.weight`), the vocabulary every model file reads. A family overrides the
 * few that differ (Gemma 2's four norms, Phi-3's fused gate+up).
 */

/**
 * The per-layer names most architectures share, without the `.weight` / `.bias` suffix.
 *
 * @example
 * ```ts
 * import { GGUF_LAYER_NAMES } from '@transformer-kit/transformer';
 * console.log(GGUF_LAYER_NAMES.attn_qkv, GGUF_LAYER_NAMES.ffn_norm); // self_attn.qkv_proj post_attention_layernorm
 * ```
 */
export const GGUF_LAYER_NAMES: Readonly<Record<string, string>> = {
  attn_norm: 'input_layernorm',
  attn_q: 'self_attn.q_proj',
  attn_k: 'self_attn.k_proj',
  attn_v: 'self_attn.v_proj',
  attn_qkv: 'self_attn.qkv_proj',
  attn_output: 'self_attn.o_proj',
  attn_q_norm: 'self_attn.q_norm',
  attn_k_norm: 'self_attn.k_norm',
  ffn_norm: 'post_attention_layernorm',
  ffn_gate: 'mlp.gate_proj',
  ffn_down: 'mlp.down_proj',
  ffn_up: 'mlp.up_proj',
};

/** The model-level tensors. */
const GLOBAL_NAMES: Readonly<Record<string, string>> = {
  'token_embd.weight': 'model.embed_tokens.weight',
  'output_norm.weight': 'model.norm.weight',
  'output.weight': 'lm_head.weight',
};

/**
 * The Hugging Face name of a GGUF tensor, or undefined for one no model reads (e.g. `rope_freqs.weight`).
 *
 * @example
 * ```ts
 * import { hfNameOfGguf } from '@transformer-kit/transformer';
 * hfNameOfGguf('blk.3.attn_q.bias'); // 'model.layers.3.self_attn.q_proj.bias'
 * hfNameOfGguf('blk.0.ffn_up.weight', { ffn_up: 'mlp.gate_up_proj' }); // 'model.layers.0.mlp.gate_up_proj.weight'
 * ```
 */
export function hfNameOfGguf(name: string, overrides: Readonly<Record<string, string>> = {}): string | undefined {
  if (GLOBAL_NAMES[name]) return GLOBAL_NAMES[name];
  const m = /^blk\.(\d+)\.(\w+)\.(weight|bias)$/.exec(name);
  const hf = m && (overrides[m[2]] ?? GGUF_LAYER_NAMES[m[2]]);
  return hf ? `model.layers.${m[1]}.${hf}.${m[3]}` : undefined;
}
