import type { EncodeOptions } from './tokenizer';

/**
 * Finds the allowed special tokens written in a text, so the rest can be tokenized as ordinary text. Longer
 * tokens win over their prefixes. Regexes are compiled per distinct allowed set and kept.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { SpecialTokenSplitter } from './packages/tokenizer/src/special-token-splitter';
 * const splitter = new SpecialTokenSplitter(new Map([['<|endoftext|>', 50256]]));
 * const text = 'a<|endoftext|>b';
 * const parts: Array<string | number> = [];
 * splitter.split(text, 'all', (s, e) => parts.push(text.slice(s, e)), (id) => parts.push(id));
 * console.log(parts); // [ 'a', 50256, 'b' ]
 * ```
 */
export class SpecialTokenSplitter {
  private cache = new Map<string, RegExp | null>();

  constructor(private readonly tokens: ReadonlyMap<string, number>) {}

  /** Calls `text(start, end)` for ordinary runs and `special(id, start, end)` for each allowed special token. @example splitter.split(s, 'all', onText, onSpecial); */
  split(
    input: string,
    allowed: EncodeOptions['allowedSpecial'],
    text: (start: number, end: number) => void,
    special: (id: number, start: number, end: number) => void,
  ): void {
    const re = this.regexFor(allowed);
    if (!re) {
      text(0, input.length);
      return;
    }
    let last = 0;
    re.lastIndex = 0;
    for (let m = re.exec(input); m; m = re.exec(input)) {
      if (m.index > last) text(last, m.index);
      special(this.tokens.get(m[0])!, m.index, m.index + m[0].length);
      last = m.index + m[0].length;
    }
    if (last < input.length || input.length === 0) text(last, input.length);
  }

  private regexFor(allowed: EncodeOptions['allowedSpecial']): RegExp | null {
    if (allowed === undefined || allowed === 'none' || this.tokens.size === 0) return null;
    const key = allowed === 'all' ? '\u0000all' : allowed.join('\u0000');
    let re = this.cache.get(key);
    if (re === undefined) {
      const names = allowed === 'all' ? [...this.tokens.keys()] : allowed.filter((t) => this.tokens.has(t));
      for (const t of allowed === 'all' ? [] : allowed) {
        if (!this.tokens.has(t)) throw new Error(`allowedSpecial: '${t}' is not a special token of this vocabulary`);
      }
      names.sort((a, b) => b.length - a.length);
      re = names.length === 0 ? null : new RegExp(names.map(escapeRegExp).join('|'), 'g');
      this.cache.set(key, re);
    }
    return re;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
