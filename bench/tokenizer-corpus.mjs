// The ≥2 MB text that the tokenizer's GPT-2 parity test and its benchmark both run on, built in one place.
// Deterministic apart from the repository's own files (which change as the project grows).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// generated folders (builds, bundled examples in out/, bench results) are not the repository's own text
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', '.turbo', 'results', 'coverage', 'out', 'docs-site']);
const TEXT_EXT = /\.(ts|mts|cts|mjs|js|md|json|yml|yaml|txt)$/;

/** mulberry32: a tiny seeded PRNG so the generated part is the same on every machine. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The repository's own sources and docs (sorted, lockfile excluded), each prefixed by its path, capped at
 * `maxChars` so the corpus stays about the same size as the project grows.
 */
export function repositoryText(root, maxChars = 800_000) {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      if (SKIP_DIRS.has(name)) continue;
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (TEXT_EXT.test(name) && name !== 'package-lock.json' && st.size < 1_000_000) files.push(p);
    }
  };
  walk(root);
  const parts = [];
  let size = 0;
  for (const f of files) {
    if (size >= maxChars) break;
    const text = `// ${relative(root, f)}\n${readFileSync(f, 'utf8')}`;
    parts.push(text);
    size += text.length + 1;
  }
  return parts.join('\n');
}

/** Every assigned, non-surrogate code point, grouped by 128-code-point block, as space-separated words. */
export function unicodeBlocks() {
  const assigned = /^[^\p{Cn}\p{Cs}]$/u;
  const out = [];
  for (let block = 0; block < 0x110000; block += 128) {
    const chars = [];
    for (let cp = block; cp < block + 128; cp++) {
      const ch = String.fromCodePoint(cp);
      if (assigned.test(ch)) chars.push(ch);
    }
    if (chars.length === 0) continue;
    let line = `U+${block.toString(16).toUpperCase()}: `;
    for (let i = 0; i < chars.length; i += 7) line += chars.slice(i, i + 7).join('') + (i % 21 === 14 ? '\n' : ' ');
    out.push(line);
  }
  return out.join('\n');
}

const WORDS = {
  en: "the quick brown fox jumps over lazy dog I'm you're we've they'll she'd it's don't can't WON'T Y'ALL O'Neil rock'n'roll".split(' '),
  de: 'Fußgängerübergänge Straße Größe Äpfel über schön Mädchen Führer'.split(' '),
  fr: "élève où déjà naïve cœur garçon l'été aujourd'hui".split(' '),
  ru: 'нещо на Български привет мир Съешь же ещё этих мягких французских булок'.split(' '),
  el: 'Γαζέες καὶ μυρτιὲς δὲν θὰ βρῶ πιὰ ΟΔΟΣ'.split(' '),
  ar: 'مرحبا بالعالم اللغة العربية جميلة'.split(' '),
  he: 'שלום עולם עברית'.split(' '),
  hi: 'नमस्ते दुनिया हिन्दी भाषा'.split(' '),
  th: 'สวัสดีชาวโลก ภาษาไทย'.split(' '),
  km: 'កាន់តែពិសេសអាចខលចេញ'.split(' '),
  vi: 'Cửa Việt Tiếng Việt rất đẹp'.split(' '),
  zh: ['我想在apple工作1314151天～', '自然语言处理', '我们的祖国是花园', '中文没有空格所以整段是一个词'],
  ja: ['日本語のテキスト', 'カタカナとひらがな', '東京タワー'],
  ko: ['안녕하세요 세계', '한국어 텍스트'],
  emoji: ['🦙', '🚀', '😶‍🌫️', '👩‍👩‍👧‍👦', '👍🏽', '🇫🇷🇯🇵', '✅', '🤖💬', '❤️‍🔥', '🏳️‍🌈'],
  combining: ['e\u0301', 'a\u0308\u0304', 'Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319\u0324', 'n\u0303o\u0303', '\u0915\u094d\u0937'],
  numbers: ['3', '33', '333', '3333', '1234567890', '3.14159', '1,000,000', '0x1F', '1e-9', '٣٤٥', '४२', '½', '²'],
  punct: ['!!!!!!', '??!?', '...', '------=======', "''''''", '```````', '""""', '(*&^%$#@!)', '«»', '—', '…', '¿¡'],
};
const SPACES = [' ', ' ', ' ', '  ', '   ', '\t', '\n', '\n\n', '\r\n', ' \n ', '\u00a0', '\u3000', '\u2003', '\t\t', '    ', '\n    '];

/** Mixed text from the word lists above: languages, emoji, combining marks, numbers, contractions, whitespace runs. */
export function generatedText(bytes, seed = 1) {
  const rand = rng(seed);
  const groups = Object.values(WORDS);
  const parts = [];
  let size = 0;
  while (size < bytes) {
    const g = groups[Math.floor(rand() * groups.length)];
    const word = g[Math.floor(rand() * g.length)];
    const r = rand();
    const cased = r < 0.1 ? word.toUpperCase() : r < 0.2 ? word[0].toUpperCase() + word.slice(1) : word;
    const sep = SPACES[Math.floor(rand() * SPACES.length)];
    parts.push(cased, sep);
    size += cased.length + sep.length;
  }
  return parts.join('');
}

/**
 * The whole corpus: the repository's files, every Unicode block, then generated mixed text, at least
 * `minBytes` of UTF-8. Well-formed UTF-16 throughout, so decode(encode(x)) === x must hold for all of it.
 */
export function buildTokenizerCorpus(root, minBytes = 2_200_000) {
  const fixed = [repositoryText(root), unicodeBlocks()].join('\n');
  const have = new TextEncoder().encode(fixed).length;
  return fixed + '\n' + generatedText(Math.max(0, minBytes - have) / 1.6 + 200_000);
}
