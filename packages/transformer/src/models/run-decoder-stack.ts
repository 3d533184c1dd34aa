/**
 * The forward pass shared by the decoder-only models (GPT-2, Llama): embed, run the blocks with a causal
 * mask (and the cache, when generating), final norm, head. Each model supplies its own embedding, rotation
 * and head; the model files stay readable and this loop is written once.
 */
import { castTo, logicalNot, slice, tidy, type Tensor } from '@transformer-kit/tensor';
import type { RotateFn } from '@transformer-kit/attention';
import type { Norm } from '../layers/norm';
import type { TransformerBlock } from '../layers/transformer-block';
import type { ForwardOptions, ModelOutput } from './causal-lm';

/** The model-specific pieces around the blocks. */
export interface DecoderStackParts {
  /** ids [batch, seq] at absolute positions offset.. → [batch, seq, dim]. */
  embed(ids: Tensor, offset: number): Tensor;
  rotate?: RotateFn;
  finalNorm: Norm;
  /** [batch, seq, dim] → [batch, seq, vocab]. */
  head(x: Tensor): Tensor;
}

/**
 * Runs a decoder-only stack. Validates the ids and the context length first, so a prompt past the context is
 * a clear error rather than a cache overflow deep inside attention.
 *
 * @example
 * ```ts
 * import { gather, tensor, type Tensor } from '@transformer-kit/tensor';
 * import { Linear, runDecoderStack, type Norm } from '@transformer-kit/transformer';
 * // a toy decoder without blocks: embedding table [vocab 3, dim 2], identity norm, tied head
 * const table = tensor([1, 0, 0, 1, 1, 1], [3, 2]);
 * const head = new Linear(table); // logits = x · tableᵀ
 * const identity: Norm = { forward: (x) => x.reshape(x.shape), dispose: () => {} };
 * const parts = { embed: (ids: Tensor) => gather(table, ids, 0), finalNorm: identity, head: (x: Tensor) => head.forward(x) };
 * const { logits } = runDecoderStack([], tensor([0, 2], [1, 2], 'int32'), {}, 4, parts);
 * console.log(logits.shape, logits.dataSync()); // [ 1, 2, 3 ] Float32Array(6) [ 1, 0, 1, 1, 1, 2 ]
 * try {
 *   runDecoderStack([], tensor([0, 1, 2, 0, 1], [1, 5], 'int32'), {}, 4, parts);
 * } catch (e) {
 *   console.log((e as Error).message); // forward: 5 positions exceed the model's context of 4
 * }
 * ```
 */
export function runDecoderStack(
  blocks: readonly TransformerBlock[],
  ids: Tensor,
  options: ForwardOptions,
  maxSeqLen: number,
  parts: DecoderStackParts,
): ModelOutput {
  if (ids.rank !== 2 || ids.dtype !== 'int32') throw new RangeError(`forward: ids must be int32 [batch, seq], got ${ids.dtype} [${ids.shape.join(', ')}]`);
  const [batch, seq] = ids.shape;
  if (seq === 0) throw new RangeError('forward: ids has no positions');
  const offset = options.cache?.length ?? 0;
  if (offset + seq > maxSeqLen) {
    throw new RangeError(`forward: ${offset > 0 ? `${offset} cached + ` : ''}${seq} positions exceed the model's context of ${maxSeqLen}`);
  }
  return tidy(() => {
    let mask: Tensor | undefined;
    if (options.attentionMask) {
      // [batch, seq] 1 = token → bool [batch, 1, 1, seqK], true = hidden (the attention package's convention).
      mask = logicalNot(castTo(options.attentionMask, 'bool')).reshape([batch, 1, 1, options.attentionMask.shape[1]]);
    }
    let x = parts.embed(ids, offset); // [batch, seq, dim]
    const hiddenStates: Tensor[] | undefined = options.outputHiddenStates ? [x] : undefined;
    const attentions: Tensor[] | undefined = options.outputAttentions ? [] : undefined;
    for (let l = 0; l < blocks.length; l++) {
      const out = blocks[l].forward(x, {
        causal: true,
        mask,
        rotate: parts.rotate,
        cache: options.cache?.layer(l),
        returnWeights: attentions !== undefined,
      });
      // NOTE: the stack is one tidy too; freeing each block's input as soon as the next exists keeps a long prompt's
      // peak at two [batch, seq, dim] activations instead of one per layer (unless the caller asked for them all).
      if (!hiddenStates) x.dispose();
      x = out.output;
      hiddenStates?.push(x);
      if (attentions) attentions.push(out.selfWeights!);
    }
    let normed = parts.finalNorm.forward(x);
    if (options.lastPositionOnly && seq > 1) normed = slice(normed, [0, seq - 1, 0], [batch, 1, normed.shape[2]]); // [batch, 1, dim]
    const logits = parts.head(normed); // [batch, seq | 1, vocab]
    return { logits, attentions, hiddenStates };
  });
}
