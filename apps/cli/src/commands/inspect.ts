import { existsSync } from 'node:fs';
import { parseFlags } from '../parse-flags';
import { softmax, tensor, type Tensor } from '@transformer-kit/tensor';
import { isCausalLM, type CausalLM, type LoadedModel } from '@transformer-kit/transformer';
import type { Tokenizer } from '@transformer-kit/tokenizer';
import { CliError } from '../cli-error';
import type { CliIO } from '../io';
import { loadModel } from '../load-model';
import { numberFlag, requiredFlag } from '../options';
import { ggufTensorTable } from './gguf-tensors';
import { selectBackend } from '../select-backend';

export const INSPECT_HELP = `Usage: transformer-kit inspect --model <spec> [--prompt <text>] [options]

For a local .gguf file, first lists its tensors with their weight types (Q4_K, Q6_K, F32...).

Walks one forward pass through the six steps, as text:
  1 tokens  2 embeddings (vector norms)  3 positions  4 self-attention (top attended tokens per head)
  5 multi-head attention and the residual stream (per layer)  6 output (top next-token probabilities)

Options:
  --model <spec>        a .bin, .gguf, Hugging Face folder or hub repository (as for generate)
  --tokenizer <file>    a tokenizer file (default: the model's own)
  --prompt <text>       the text to inspect (optional for a .gguf file: without it, only the tensors are listed)
  --layer <n>           the layer whose heads step 4 shows (default: every layer)
  --top <k>             how many entries to list (default 5)
  --backend <cpu|gpu>   default cpu
  -h, --help            this help
`;

const show = (tokenizer: Tokenizer, id: number) => JSON.stringify(tokenizer.idToToken(id));

function topK(values: ArrayLike<number>, k: number, offset = 0, length = values.length): { index: number; value: number }[] {
  const items = Array.from({ length }, (_, i) => ({ index: i, value: values[offset + i] }));
  return items.sort((a, b) => b.value - a.value).slice(0, k);
}

function rowNorms(data: ArrayLike<number>, rows: number, dim: number): number[] {
  return Array.from({ length: rows }, (_, r) => {
    let s = 0;
    for (let d = 0; d < dim; d++) s += data[r * dim + d] ** 2;
    return Math.sqrt(s);
  });
}

function positionsText(loaded: LoadedModel): string {
  const c = loaded.config as unknown as Record<string, unknown>;
  switch (loaded.model.family) {
    case 'llama':
    case 'qwen2':
    case 'qwen3':
    case 'phi3':
    case 'gemma':
    case 'gemma2': {
      const window = c.slidingWindow ? `; a sliding window of ${c.slidingWindow} positions${loaded.model.family === 'gemma2' ? ' on even layers' : ''}` : '';
      return `rotary embedding (${c.ropeLayout} pairs, θ = ${c.ropeTheta}) rotates q and k inside attention; nothing is added to x${window}`;
    }
    case 'gpt2':
      return 'learned position rows 0..n-1 (wpe) are added to the token embeddings (included in the norms above)';
    default:
      return 'learned position rows and token-type rows are added, then LayerNorm (included in the norms above)';
  }
}

/** `transformer-kit inspect`. */
export async function inspectCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags({
    args,
    options: {
      model: { type: 'string' },
      tokenizer: { type: 'string' },
      prompt: { type: 'string' },
      layer: { type: 'string' },
      top: { type: 'string' },
      backend: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout(INSPECT_HELP);
    return 0;
  }
  const spec = requiredFlag(values, 'model', 'inspect');
  const local = spec.endsWith('.gguf') && existsSync(spec);
  if (local) io.stdout(`${ggufTensorTable(spec)}\n`);
  if (local && values.prompt === undefined) return 0;
  const prompt = requiredFlag(values, 'prompt', 'inspect');
  const k = numberFlag(values, 'top', (n) => Number.isInteger(n) && n > 0, 'a positive integer') ?? 5;
  await selectBackend(values.backend);
  const loaded = await loadModel(spec, values.tokenizer, io);
  const tokenizer = loaded.tokenizer;
  if (!tokenizer) throw new CliError(`${spec} has no tokenizer: pass --tokenizer <file>`);
  const model = loaded.model;
  const layers = isCausalLM(model) ? model.layers : (model.config.layers as number);
  const only = numberFlag(values, 'layer', (n) => Number.isInteger(n) && n >= 0 && n < layers, `a layer index in 0..${layers - 1}`);
  const ids = tokenizer.encode(prompt);
  const n = ids.length;
  const input = tensor(Int32Array.from(ids), [1, n], 'int32');
  let attentions: Tensor[];
  let hidden: Tensor[];
  let logits: Tensor | undefined;
  if (isCausalLM(model)) {
    const out = (model as CausalLM).forward(input, { outputAttentions: true, outputHiddenStates: true });
    [attentions, hidden, logits] = [out.attentions!, out.hiddenStates!, out.logits];
  } else {
    const out = model.forward(input, { outputAttentions: true, outputHiddenStates: true });
    [attentions, hidden] = [out.attentions!, out.hiddenStates!];
  }
  const dim = hidden[0].shape[2];
  io.stdout(`model ${spec}: ${model.family}, ${layers} layers, width ${dim}\n\n`);
  io.stdout(`1. tokens (${n})\n`);
  for (const [i, id] of ids.entries()) io.stdout(`   ${String(i).padStart(3)}  ${String(id).padStart(6)}  ${show(tokenizer, id)}\n`);
  io.stdout(`\n2. embeddings: each token becomes a vector of ${dim} numbers (L2 norms)\n`);
  const norms0 = rowNorms(await hidden[0].data(), n, dim);
  for (const [i, id] of ids.entries()) io.stdout(`   ${String(i).padStart(3)}  ${show(tokenizer, id).padEnd(16)} |x| = ${norms0[i].toFixed(3)}\n`);
  io.stdout(`\n3. positions: ${positionsText(loaded)}\n`);
  io.stdout(`\n4. self-attention: what the last token (${show(tokenizer, ids[n - 1])}) attends to, per head\n`);
  for (const [l, w] of attentions.entries()) {
    if (only !== undefined && l !== only) continue;
    const heads = w.shape[1];
    const data = await w.data(); // [1, heads, n, n]
    for (let h = 0; h < heads; h++) {
      const top = topK(data, Math.min(k, n), (h * n + (n - 1)) * n, n);
      io.stdout(`   layer ${l} head ${String(h).padStart(2)}: ${top.map((t) => `${show(tokenizer, ids[t.index])}@${t.index} ${t.value.toFixed(2)}`).join('  ')}\n`);
    }
  }
  io.stdout('\n5. multi-head attention + feed-forward: the residual stream of the last token, layer by layer\n');
  let previous = rowNorms(await hidden[0].data(), n, dim)[n - 1];
  for (let l = 1; l < hidden.length; l++) {
    const norm = rowNorms(await hidden[l].data(), n, dim)[n - 1];
    io.stdout(`   after layer ${String(l - 1).padStart(2)}: |x| = ${norm.toFixed(3)} (${norm >= previous ? '+' : ''}${(norm - previous).toFixed(3)})\n`);
    previous = norm;
  }
  if (logits) {
    const vocab = logits.shape[2];
    const probs = await softmax(logits).data();
    io.stdout(`\n6. output: the next token, top ${k} of ${vocab}\n`);
    for (const t of topK(probs, k, (n - 1) * vocab, vocab)) io.stdout(`   ${(100 * t.value).toFixed(2).padStart(6)}%  ${String(t.index).padStart(6)}  ${show(tokenizer, t.index)}\n`);
  } else {
    io.stdout('\n6. output: an encoder has no next-token head; its output is the last hidden state above\n');
  }
  return 0;
}
