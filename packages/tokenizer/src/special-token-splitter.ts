import type { EncodeOptions } from './tokenizer';

/**
 * Finds the allowed special tokens written in a text, so the rest can be tokenized as ordinary text. Longer
 * tokens win over their prefixes. Regexes are compiled per distinct allowed set and kept.
 *
 * @example
 * ```ts
 * // what a PipelineTokenizer subclass (a new tokenizer family) gives as its `splitter`
 * import { SpecialTokenSplitter } from '@transformer-kit/tokenizer';
 * const splitter = new SpecialTokenSplitter(new Map([['<|endoftext|>', 50256]]));
 * const text = 'a<|endoftext|>b';
 * const parts: Array<string | number> = [];
 * splitter.split(text, 'all', (s, e) => parts.push(text.slice(s, e)), (id) => parts.push(id));
 * console.log(parts); // [ 'a', 50256, 'b' ]
 * ```
 */
export class SpecialTokenSplitter {
  private cache = new Map<string, Matcher | null>();
  private readonly all: ReadonlyMap<string, number>;

  /**
   * `tokens`: special (control) tokens, matched only when allowed; `always`: added tokens that are not special
   * (Hugging Face `special: false`, GGUF user-defined), matched in every text as Hugging Face and llama.cpp do.
   */
  constructor(
    private readonly tokens: ReadonlyMap<string, number>,
    private readonly always: ReadonlyMap<string, number> = new Map(),
  ) {
    this.all = always.size === 0 ? tokens : new Map([...always, ...tokens]);
  }

  /** Calls `text(start, end)` for ordinary runs and `special(id, start, end)` for each allowed special token. @example splitter.split(s, 'all', onText, onSpecial); */
  split(
    input: string,
    allowed: EncodeOptions['allowedSpecial'],
    text: (start: number, end: number) => void,
    special: (id: number, start: number, end: number) => void,
  ): void {
    const matcher = this.matcherFor(allowed);
    if (!matcher || !occursIn(input, matcher.first)) {
      text(0, input.length);
      return;
    }
    const re = (matcher.re ??= new RegExp(alternation(matcher.names), 'g'));
    let last = 0;
    re.lastIndex = 0;
    for (let m = re.exec(input); m; m = re.exec(input)) {
      if (m.index > last) text(last, m.index);
      special(this.all.get(m[0])!, m.index, m.index + m[0].length);
      last = m.index + m[0].length;
    }
    if (last < input.length || input.length === 0) text(last, input.length);
  }

  private matcherFor(allowed: EncodeOptions['allowedSpecial']): Matcher | null {
    const valid = allowed === undefined || allowed === 'all' || allowed === 'none' || (Array.isArray(allowed) && allowed.every((t) => typeof t === 'string'));
    if (!valid) {
      const shown = typeof allowed === 'string' ? JSON.stringify(allowed) : Array.isArray(allowed) ? 'an array with a non-string entry' : String(allowed);
      throw new TypeError(`encode options.allowedSpecial must be 'all', 'none' or an array of token strings (got ${shown})`);
    }
    const none = allowed === undefined || allowed === 'none' || this.tokens.size === 0;
    if (none && this.always.size === 0) return null;
    const key = none ? '\u0000none' : allowed === 'all' ? '\u0000all' : allowed.join('\u0000');
    let matcher = this.cache.get(key);
    if (matcher === undefined) {
      const allowedNames = none ? [] : allowed === 'all' ? [...this.tokens.keys()] : allowed.filter((t) => this.tokens.has(t));
      for (const t of none || allowed === 'all' ? [] : allowed) {
        if (!this.tokens.has(t)) throw new Error(`allowedSpecial: '${t}' is not a special token of this vocabulary`);
      }
      const names = [...new Set([...this.always.keys(), ...allowedNames])].filter((t) => t.length > 0);
      // NOTE: the regex is made and compiled on the first text that holds the first character of a token: a
      // 6k-token alternation (Gemma 3's added tokens) takes tens of ms to compile (and a few to sort and write),
      // and most short texts hold none of them
      const first = new Uint8Array(8192);
      for (const t of names) first[t.charCodeAt(0) >> 3] |= 1 << (t.charCodeAt(0) & 7);
      matcher = names.length === 0 ? null : { names, first, re: undefined };
      this.cache.set(key, matcher);
    }
    return matcher;
  }
}

// the tokens of an allowed set, a bit per UTF-16 unit that starts one, and their regex once a text needs it
interface Matcher {
  names: string[];
  first: Uint8Array;
  re: RegExp | undefined;
}

// a regex source matching any of the tokens, the longest first (so that a token wins over its prefixes)
function alternation(names: string[]): string {
  return [...names]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');
}

// whether some unit of the text starts a token
function occursIn(text: string, first: Uint8Array): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (first[c >> 3] & (1 << (c & 7))) return true;
  }
  return false;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
