// A hand-written scanner equivalent to GPT-2's pre-tokenizer regex
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// with JavaScript's \s (what js-tiktoken and gpt-tokenizer run). It exists for speed: it classifies each
// character once through a table instead of running a backtracking regex per piece.

const OTHER = 0;
const LETTER = 1;
const NUMBER = 2;
const SPACE = 3;

let bmp: Uint8Array | undefined;
const astral = new Map<number, Uint8Array>();

function buildBmpTable(): Uint8Array {
  const table = new Uint8Array(0x10000);
  const chars: string[] = [];
  for (let c = 0; c < 0x10000; c++) chars.push(c >= 0xd800 && c <= 0xdfff ? 'x' : String.fromCharCode(c));
  const all = chars.join('');
  for (const [re, cls] of [
    [/\p{L}/gu, LETTER],
    [/\p{N}/gu, NUMBER],
    [/\s/gu, SPACE],
  ] as const) {
    for (const m of all.matchAll(re)) table[m.index] = cls;
  }
  // surrogates stay OTHER: as lone code units they are neither letters, numbers nor spaces to /u regexes
  for (let c = 0xd800; c <= 0xdfff; c++) table[c] = OTHER;
  return table;
}

// Astral characters are classified 1024 at a time, the first time their block is met: one regex pass over
// the block instead of three regex tests per new character (CJK extension text is mostly new characters).
function classifyAstral(cp: number): number {
  const block = cp >> 10;
  let table = astral.get(block);
  if (table === undefined) {
    table = new Uint8Array(1024);
    let chunk = '';
    for (let k = 0; k < 1024; k++) chunk += String.fromCodePoint((block << 10) + k);
    for (const [re, cls] of [
      [/\p{L}/gu, LETTER],
      [/\p{N}/gu, NUMBER],
      [/\s/gu, SPACE],
    ] as const) {
      for (const m of chunk.matchAll(re)) table[m.index >> 1] = cls; // every astral character is 2 UTF-16 units
    }
    astral.set(block, table);
  }
  return table[cp & 1023];
}

/**
 * Splits text into GPT-2 pre-tokens, calling `emit(start, end)` for each `[start, end)` in UTF-16 units. Same
 * pieces as `text.matchAll(new RegExp(PRETOKENIZER_PATTERNS.gpt2, 'gu'))`, lone surrogates included.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { gpt2Pretokenize } from './packages/tokenizer/src/gpt2-pretokenize';
 * const text = "I'm here";
 * const pieces: string[] = [];
 * gpt2Pretokenize(text, 0, text.length, (s, e) => pieces.push(text.slice(s, e)));
 * console.log(pieces); // [ 'I', "'m", ' here' ]
 * ```
 */
export function gpt2Pretokenize(text: string, from: number, to: number, emit: (start: number, end: number) => void): void {
  const table = (bmp ??= buildBmpTable());
  // class and width (1 or 2 UTF-16 units) of the character at i
  let width = 1;
  const classAt = (i: number): number => {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= to) {
      width = 1;
      return table[c];
    }
    const d = text.charCodeAt(i + 1);
    if (d < 0xdc00 || d > 0xdfff) {
      width = 1;
      return OTHER;
    }
    width = 2;
    return classifyAstral(0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00));
  };
  // end of the run of characters of class `cls` (or, for OTHER, of anything not space/letter/number) from i
  const runEnd = (i: number, cls: number): number => {
    while (i < to) {
      const c = text.charCodeAt(i);
      // ASCII fast path for the common runs
      if (c < 0x80) {
        const k = table[c];
        if (k !== cls) return i;
        i++;
        continue;
      }
      const k = classAt(i);
      if (k !== cls) return i;
      i += width;
    }
    return i;
  };

  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 0x27 /* ' */ && i + 1 < to) {
      const n1 = text.charCodeAt(i + 1);
      if (n1 === 0x73 || n1 === 0x74 || n1 === 0x6d || n1 === 0x64) {
        emit(i, i + 2); // 's 't 'm 'd
        i += 2;
        continue;
      }
      if (i + 2 < to) {
        const n2 = text.charCodeAt(i + 2);
        if ((n1 === 0x72 && n2 === 0x65) || (n1 === 0x76 && n2 === 0x65) || (n1 === 0x6c && n2 === 0x6c)) {
          emit(i, i + 3); // 're 've 'll
          i += 3;
          continue;
        }
      }
    }
    let start = i;
    let cls = classAt(i);
    if (c === 0x20 && i + 1 < to) {
      // ' ?X+': a single leading space joins the run that follows it
      const nextCls = classAt(i + 1);
      if (nextCls !== SPACE) {
        i += 1;
        cls = nextCls;
        start = i - 1;
      }
    }
    if (cls !== SPACE) {
      const end = runEnd(i + (i === start ? width : 0), cls);
      emit(start, end);
      i = end;
      continue;
    }
    // whitespace run: \s+(?!\S) keeps the last space for the next piece when something follows
    const end = runEnd(i, SPACE);
    if (end < to && end - i > 1) {
      const lastWidth = isLowSurrogate(text.charCodeAt(end - 1)) && end - 2 >= i ? 2 : 1;
      if (end - lastWidth > i) {
        emit(i, end - lastWidth);
        i = end - lastWidth;
        continue;
      }
    }
    emit(i, end);
    i = end;
  }
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
