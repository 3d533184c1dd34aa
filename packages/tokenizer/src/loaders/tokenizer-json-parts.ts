import { TokenizerFormatError } from '../tokenizer-error';
import { preview } from './tokenizer-json-checks';

/**
 * A node of a parsed `tokenizer.json`.
 *
 * @example
 * ```ts
 * // an internal type (not exported by the package), imported here from its source file
 * import type { JsonObject } from './packages/tokenizer/src/loaders/tokenizer-json-parts';
 * const root = JSON.parse('{"model":{"type":"BPE"}}') as JsonObject;
 * console.log((root.model as JsonObject).type); // BPE
 * ```
 */
export type JsonObject = Record<string, unknown>;

/**
 * The ids a `tokenizer.json` post-processor puts before and after a single sequence: TemplateProcessing's
 * `single` (`<s> $A`, `[CLS] $A [SEP]`), BertProcessing/RobertaProcessing's cls/sep, or nothing.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { postProcessorTemplate } from './packages/tokenizer/src/loaders/tokenizer-json-parts';
 * const tokens = ['[UNK]', '[CLS]', '[SEP]'];
 * console.log(postProcessorTemplate({ type: 'BertProcessing', cls: ['[CLS]', 1], sep: ['[SEP]', 2] }, tokens)); // { prefix: [ 1 ], suffix: [ 2 ] }
 * ```
 */
export function postProcessorTemplate(pp: JsonObject | null | undefined, tokens: { readonly length: number; indexOf(token: string): number }): { prefix: number[]; suffix: number[] } {
  const none = { prefix: [], suffix: [] };
  if (!pp || typeof pp !== 'object') return none;
  const id = (v: unknown, where: string): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= tokens.length) {
      throw new TokenizerFormatError('tokenizer.json', `post_processor ${where} must be a token id in 0..${tokens.length - 1} (got ${typeof v === 'number' ? v : typeof v})`);
    }
    return v;
  };
  if (pp.type === 'Sequence' && Array.isArray(pp.processors)) {
    for (const p of pp.processors as JsonObject[]) {
      const t = postProcessorTemplate(p, tokens);
      if (t.prefix.length || t.suffix.length) return t;
    }
    return none;
  }
  if (pp.type === 'BertProcessing' || pp.type === 'RobertaProcessing') {
    const pair = (v: unknown, name: string) => id(Array.isArray(v) ? v[1] : undefined, `${String(pp.type)}.${name}[1]`);
    return { prefix: [pair(pp.cls, 'cls')], suffix: [pair(pp.sep, 'sep')] };
  }
  if (pp.type === 'TemplateProcessing' && Array.isArray(pp.single)) {
    const specials = (pp.special_tokens && typeof pp.special_tokens === 'object' ? pp.special_tokens : {}) as Record<string, { ids?: unknown } | null>;
    const prefix: number[] = [];
    const suffix: number[] = [];
    let seenSequence = false;
    for (const piece of pp.single as unknown[]) {
      if (!piece || typeof piece !== 'object') throw new TokenizerFormatError('tokenizer.json', 'post_processor TemplateProcessing.single has an entry that is not an object');
      const p = piece as JsonObject;
      if (p.Sequence) {
        seenSequence = true;
        continue;
      }
      const special = p.SpecialToken as { id?: unknown } | undefined;
      if (!special || typeof special !== 'object' || typeof special.id !== 'string') continue;
      const entry = Object.hasOwn(specials, special.id) ? specials[special.id] : undefined;
      const ids = entry && Array.isArray(entry.ids) ? entry.ids.map((v, i) => id(v, `special_tokens[${JSON.stringify(special.id)}].ids[${i}]`)) : [tokens.indexOf(special.id)].filter((x) => x >= 0);
      (seenSequence ? suffix : prefix).push(...ids);
    }
    return { prefix, suffix };
  }
  return none;
}

/**
 * The components of a normalizer / pre-tokenizer / decoder node, with `Sequence`s flattened.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { flattenComponents } from './packages/tokenizer/src/loaders/tokenizer-json-parts';
 * const node = { type: 'Sequence', pretokenizers: [{ type: 'Split' }, { type: 'ByteLevel' }] };
 * console.log(flattenComponents(node).map((c) => c.type)); // [ 'Split', 'ByteLevel' ]
 * ```
 */
export function flattenComponents(node: unknown): JsonObject[] {
  if (!node || typeof node !== 'object') return [];
  const o = node as JsonObject;
  const children = (o.normalizers ?? o.pretokenizers ?? o.decoders) as unknown[] | undefined;
  return o.type === 'Sequence' && Array.isArray(children) ? children.flatMap(flattenComponents) : [o];
}

/**
 * The first component of a node with this type, or undefined.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { findComponent } from './packages/tokenizer/src/loaders/tokenizer-json-parts';
 * console.log(findComponent({ type: 'Metaspace', replacement: '▁' }, 'Metaspace')?.replacement); // ▁
 * ```
 */
export function findComponent(node: unknown, type: string): JsonObject | undefined {
  return flattenComponents(node).find((o) => o.type === type);
}

/**
 * `model.merges` as token pairs: each `"a b"` or `["a", "b"]`, in rank order.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { mergePairs } from './packages/tokenizer/src/loaders/tokenizer-json-parts';
 * console.log(mergePairs(['a b', ['ab', 'c']])); // [ [ 'a', 'b' ], [ 'ab', 'c' ] ]
 * ```
 */
export function mergePairs(merges: unknown): Array<[string, string]> {
  if (!Array.isArray(merges)) throw new TokenizerFormatError('tokenizer.json', 'model.merges is missing');
  return merges.map((m, i) => {
    if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string') return [m[0], m[1]];
    if (typeof m === 'string') {
      const parts = m.split(' ');
      if (parts.length === 2) return [parts[0], parts[1]];
    }
    throw new TokenizerFormatError('tokenizer.json', `model.merges[${i}] is neither "a b" nor ["a", "b"] (got ${preview(m)})`);
  });
}
