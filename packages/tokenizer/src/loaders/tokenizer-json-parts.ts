/**
 * A node of a parsed `tokenizer.json`.
 *
 * @example
 * const model = root.model as JsonObject;
 */
export type JsonObject = Record<string, unknown>;

/**
 * The ids a `tokenizer.json` post-processor puts before and after a single sequence: TemplateProcessing's
 * `single` (`<s> $A`, `[CLS] $A [SEP]`), BertProcessing/RobertaProcessing's cls/sep, or nothing.
 *
 * @example
 * postProcessorTemplate({ type: 'BertProcessing', cls: ['[CLS]', 101], sep: ['[SEP]', 102] }, tokens);
 * // { prefix: [101], suffix: [102] }
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
