// Hugging Face tokenizers compile `Split` patterns with Oniguruma/Rust regex syntax; JavaScript's RegExp (before
// ES2025's modifiers, absent from Node 20) has no inline-flag groups such as `(?i:'s|'t)`. This rewrites a
// case-insensitive group into the equivalent case-explicit pattern (`'[sS]|'[tT]`), and refuses, by name, the
// syntax JavaScript would read differently (atomic groups, possessive quantifiers, other inline flags).

/**
 * A regex from a tokenizer file that JavaScript cannot run as written.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { translateRustRegex, UnsupportedRegexError } from './packages/tokenizer/src/rust-regex';
 * try {
 *   translateRustRegex('(?>ab)');
 * } catch (e) {
 *   console.log(e instanceof UnsupportedRegexError, (e as Error).message); // true atomic group '(?>' at offset 0 has no JavaScript equivalent
 * }
 * ```
 */
export class UnsupportedRegexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedRegexError';
  }
}

/**
 * Rewrites an Oniguruma/Rust-syntax pattern into a JavaScript (`u` flag) source with the same matches:
 * `(?i:…)` groups (and a leading `(?i)`) become explicit case alternatives, letter by letter.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { translateRustRegex } from './packages/tokenizer/src/rust-regex';
 * console.log(translateRustRegex("(?i:'s|'ll)|\\p{L}+")); // (?:'[sS]|'[lL][lL])|\p{L}+
 * ```
 */
export function translateRustRegex(source: string): string {
  let out = '';
  let i = 0;
  let ignoreCase = false;
  // one entry per open group: the case-insensitivity to restore when it closes
  const stack: boolean[] = [];
  if (source.startsWith('(?i)')) {
    ignoreCase = true;
    i = 4;
  }
  while (i < source.length) {
    const c = source[i];
    if (c === '\\') {
      const escape = readEscape(source, i);
      out += escape;
      i += escape.length;
      continue;
    }
    if (c === '[') {
      const end = classEnd(source, i);
      const body = source.slice(i + 1, end);
      out += `[${ignoreCase ? withOtherCases(body) : body}]`;
      i = end + 1;
      continue;
    }
    if (c === '(') {
      stack.push(ignoreCase);
      if (source.startsWith('(?', i)) {
        const flags = /^\(\?([a-zA-Z-]*)(:|\))/.exec(source.slice(i, i + 12));
        if (source.startsWith('(?>', i)) throw new UnsupportedRegexError(`atomic group '(?>' at offset ${i} has no JavaScript equivalent`);
        if (flags && flags[1] !== '') {
          if (flags[2] === ')' || !/^i$/.test(flags[1])) {
            throw new UnsupportedRegexError(`inline flags '${flags[0]}' at offset ${i} are not supported (only '(?i:…)' groups are translated)`);
          }
          ignoreCase = true;
          out += '(?:';
          i += flags[0].length;
          continue;
        }
      }
      out += c;
      i++;
      continue;
    }
    if (c === ')') {
      if (stack.length > 0) ignoreCase = stack.pop()!;
      out += c;
      i++;
      continue;
    }
    if ((c === '+' || c === '*' || c === '?' || c === '}') && source[i + 1] === '+') {
      throw new UnsupportedRegexError(`possessive quantifier '${c}+' at offset ${i} has no JavaScript equivalent`);
    }
    out += ignoreCase ? bothCases(c) : c;
    i++;
  }
  return out;
}

// an escape and its argument as one unit: \p{L}, \u{1F600}, \x{41}, \uFFFF, \xFF, or one escaped character
function readEscape(source: string, i: number): string {
  const m = /^\\(?:[pPux]\{[^}]*\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[pP][A-Za-z]|[\s\S])/.exec(source.slice(i, i + 64));
  if (!m) throw new UnsupportedRegexError(`a trailing backslash at offset ${i}`);
  if (m[0] === '\\A' || m[0] === '\\z' || m[0] === '\\Z' || m[0] === '\\G') {
    throw new UnsupportedRegexError(`anchor '${m[0]}' at offset ${i} is not supported`);
  }
  return m[0];
}

function bothCases(c: string): string {
  const lower = c.toLowerCase();
  const upper = c.toUpperCase();
  if (lower === upper || lower.length !== 1 || upper.length !== 1) return c;
  return `[${lower}${upper}]`;
}

// index of the ']' closing the class opened at `start` (escapes skipped; a leading ']' or '^]' is a literal)
function classEnd(source: string, start: number): number {
  let i = start + 1;
  if (source[i] === '^') i++;
  if (source[i] === ']') i++;
  while (i < source.length && source[i] !== ']') {
    if (source[i] === '[') throw new UnsupportedRegexError(`a nested character class at offset ${i} is not supported`);
    i += source[i] === '\\' ? readEscape(source, i).length : 1;
  }
  if (i >= source.length) throw new UnsupportedRegexError(`the character class at offset ${start} is not closed`);
  return i;
}

// a class body plus the other case of each plain letter and letter range in it (`a-z` adds `A-Z`)
function withOtherCases(body: string): string {
  let extra = '';
  for (let i = body[0] === '^' ? 1 : 0; i < body.length; ) {
    if (body[i] === '\\') {
      i += readEscape(body, i).length;
      continue;
    }
    const c = body[i];
    if (body[i + 1] === '-' && i + 2 < body.length && body[i + 2] !== '\\') {
      const d = body[i + 2];
      const [lc, ld, uc, ud] = [c.toLowerCase(), d.toLowerCase(), c.toUpperCase(), d.toUpperCase()];
      if (c === lc && d === ld && uc !== lc) extra += `${uc}-${ud}`;
      else if (c === uc && d === ud && lc !== uc) extra += `${lc}-${ld}`;
      i += 3;
      continue;
    }
    const other = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
    if (other !== c && other.length === 1) extra += other;
    i++;
  }
  return body + extra;
}
