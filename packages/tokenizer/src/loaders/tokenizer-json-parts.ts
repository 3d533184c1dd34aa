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
export function postProcessorTemplate(pp: JsonObject | null | undefined, tokens: readonly string[]): { prefix: number[]; suffix: number[] } {
  const none = { prefix: [], suffix: [] };
  if (!pp) return none;
  if (pp.type === 'Sequence' && Array.isArray(pp.processors)) {
    for (const p of pp.processors as JsonObject[]) {
      const t = postProcessorTemplate(p, tokens);
      if (t.prefix.length || t.suffix.length) return t;
    }
    return none;
  }
  if (pp.type === 'BertProcessing' || pp.type === 'RobertaProcessing') {
    const cls = pp.cls as [string, number];
    const sep = pp.sep as [string, number];
    return { prefix: [cls[1]], suffix: [sep[1]] };
  }
  if (pp.type === 'TemplateProcessing' && Array.isArray(pp.single)) {
    const specials = (pp.special_tokens ?? {}) as Record<string, { ids: number[] }>;
    const prefix: number[] = [];
    const suffix: number[] = [];
    let seenSequence = false;
    for (const piece of pp.single as JsonObject[]) {
      if (piece.Sequence) {
        seenSequence = true;
        continue;
      }
      const special = piece.SpecialToken as { id: string } | undefined;
      if (!special) continue;
      const ids = specials[special.id]?.ids ?? [tokens.indexOf(special.id)];
      (seenSequence ? suffix : prefix).push(...ids.filter((x) => x >= 0));
    }
    return { prefix, suffix };
  }
  return none;
}
