import { readGguf, type GgufFile } from '@transformer-kit/tensor';
import { ByteLevelBpe } from '../byte-level-bpe';
import { llamaCppPreTokenizer } from '../llama-cpp-pre-tokenizers';
import { presetForPattern, type PretokenizerPattern } from '../pretokenizer-patterns';
import { SentencePieceBpe } from '../sentencepiece-bpe';
import type { SpecialTokenIds, Tokenizer } from '../tokenizer';
import { TokenizerFormatError } from '../tokenizer-error';
import { TOKEN_TYPE } from '../token-type';
import { WordPiece } from '../wordpiece';

const KIND = 'GGUF tokenizer metadata';


/**
 * Builds a tokenizer from a GGUF file: its bytes, the file parsed by `@transformer-kit/tensor`'s `readGguf`, or
 * its key/value metadata alone. `tokenizer.ggml.model` `gpt2` gives a byte-level BPE, `llama` a
 * SentencePiece BPE, `bert` a WordPiece. Reads `tokens`, `scores`, `token_type`, `merges`, the special ids,
 * `add_bos_token`/`add_eos_token`/`add_space_prefix`. A `gpt2` model's `tokenizer.ggml.pre` picks the
 * pre-tokenizer as llama.cpp does (`llama-bpe`, `qwen2`, `gpt-2`, `default` when absent, …; an unknown name is
 * an error naming it); `pattern` overrides it.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { loadGgufTokenizer } from '@transformer-kit/tokenizer';
 * const llama = loadGgufTokenizer(readFileSync('../shared/tokenizers/llama.cpp/ggml-vocab-llama-spm.gguf'));
 * console.log(llama.kind, llama.encode('Hello world', { addSpecialTokens: false })); // sentencepiece-bpe [ 15043, 3186 ]
 * ```
 */
export function loadGgufTokenizer(
  source: Readonly<Record<string, unknown>> | GgufFile | ArrayBuffer | ArrayBufferView,
  options: { pattern?: PretokenizerPattern } = {},
): Tokenizer {
  const metadata = ggufMetadata(source);
  const model = metadata['tokenizer.ggml.model'];
  const tokens = stringArray(metadata, 'tokenizer.ggml.tokens');
  const types = optionalNumbers(metadata, 'tokenizer.ggml.token_type', tokens.length);
  const ids = specialIds(metadata, tokens.length);
  if (model === 'llama') {
    const scores = optionalNumbers(metadata, 'tokenizer.ggml.scores', tokens.length);
    if (!scores) throw new TokenizerFormatError(KIND, "model 'llama' needs tokenizer.ggml.scores");
    return new SentencePieceBpe({
      tokens,
      scores,
      tokenTypes: types,
      specialTokenIds: ids,
      addBos: bool(metadata, 'tokenizer.ggml.add_bos_token', true),
      addEos: bool(metadata, 'tokenizer.ggml.add_eos_token', false),
      addDummyPrefix: bool(metadata, 'tokenizer.ggml.add_space_prefix', true),
      fileKind: KIND,
    });
  }
  if (model === 'gpt2') {
    const merges = stringArray(metadata, 'tokenizer.ggml.merges').map((m, i): [string, string] => {
      const parts = m.split(' ');
      if (parts.length !== 2) throw new TokenizerFormatError(KIND, `tokenizer.ggml.merges[${i}] is not two tokens separated by a space`);
      return [parts[0], parts[1]];
    });
    const pre = metadata['tokenizer.ggml.pre'] ?? 'default'; // llama.cpp: missing means 'default'
    if (typeof pre !== 'string') throw new TokenizerFormatError(KIND, `tokenizer.ggml.pre must be a string (got ${typeof pre})`);
    let preTokenizer;
    try {
      preTokenizer = llamaCppPreTokenizer(pre);
    } catch (e) {
      if (!options.pattern) throw new TokenizerFormatError(KIND, `tokenizer.ggml.pre: ${(e as Error).message}; pass options.pattern to choose one`);
    }
    // a single regex that is one of our presets runs on its fast path; llama.cpp's lists run as Isolated splits
    const regexes = preTokenizer?.regexes ?? [];
    const preset = regexes.length === 1 ? presetForPattern(regexes[0]) : undefined;
    const pattern: PretokenizerPattern | undefined = options.pattern ?? preset;
    const splits = pattern === undefined ? regexes.map((r) => ({ regex: new RegExp(r, 'gu'), behavior: 'Isolated' as const })) : undefined;
    const vocab = new Map<string, number>();
    const special: Record<string, number> = {};
    const userDefined: Record<string, number> = {};
    // NOTE: llama.cpp matches user-defined tokens in every text, control tokens only when parsing specials
    tokens.forEach((t, id) => {
      if (types && types[id] === TOKEN_TYPE.control) special[t] = id;
      else if (types && types[id] === TOKEN_TYPE.userDefined) userDefined[t] = id;
      else if (!vocab.has(t)) vocab.set(t, id);
    });
    const prefix = bool(metadata, 'tokenizer.ggml.add_bos_token', preTokenizer?.addBos ?? false) && ids.bos !== undefined ? [ids.bos] : [];
    return new ByteLevelBpe({
      vocab,
      merges,
      pattern,
      splits,
      ignoreMerges: preTokenizer?.ignoreMerges ?? false,
      specialTokens: special,
      addedTokens: userDefined,
      specialTokenIds: ids,
      prefixIds: prefix,
      fileKind: KIND,
    });
  }
  if (model === 'bert') {
    // NOTE: llama.cpp's converter stores WordPiece as phantom-space tokens ('▁word' for a word start, 'iece' for
    // '##iece'); undo that to get the original vocab.txt spelling.
    const vocab = tokens.map((t) => (t.startsWith('[') && t.endsWith(']') ? t : t.startsWith('\u2581') ? t.slice(1) : '##' + t));
    return new WordPiece({ vocab, specialTokenIds: ids, fileKind: KIND });
  }
  throw new TokenizerFormatError(KIND, `unsupported tokenizer.ggml.model ${JSON.stringify(model)} (expected 'gpt2', 'llama' or 'bert')`);
}

function stringArray(meta: Readonly<Record<string, unknown>>, key: string): string[] {
  const v = meta[key];
  if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'string')) {
    throw new TokenizerFormatError(KIND, `${key} is missing or not an array of strings`);
  }
  return v as string[];
}

function optionalNumbers(meta: Readonly<Record<string, unknown>>, key: string, length: number): ArrayLike<number> | undefined {
  const v = meta[key];
  if (v === undefined) return undefined;
  const ok = (Array.isArray(v) && v.every((x) => typeof x === 'number')) || ArrayBuffer.isView(v);
  if (!ok) throw new TokenizerFormatError(KIND, `${key} is not an array of numbers`);
  const arr = v as ArrayLike<number>;
  if (arr.length !== length) throw new TokenizerFormatError(KIND, `${key} has ${arr.length} entries for ${length} tokens`);
  return arr;
}

function bool(meta: Readonly<Record<string, unknown>>, key: string, fallback: boolean): boolean {
  const v = meta[key];
  return typeof v === 'boolean' ? v : fallback;
}

function specialIds(meta: Readonly<Record<string, unknown>>, size: number): SpecialTokenIds {
  const keys = {
    bos: 'bos_token_id',
    eos: 'eos_token_id',
    unk: 'unknown_token_id',
    pad: 'padding_token_id',
    cls: 'cls_token_id',
    // NOTE: llama.cpp spells it 'seperator'
    sep: 'seperator_token_id',
    mask: 'mask_token_id',
  } as const;
  const ids: SpecialTokenIds = {};
  for (const [name, key] of Object.entries(keys) as Array<[keyof SpecialTokenIds, string]>) {
    const v = meta[`tokenizer.ggml.${key}`];
    // 0xFFFFFFFF (-1 as u32) means "none"
    if (typeof v === 'number' && v >= 0 && v < size) ids[name] = v;
  }
  return ids;
}

/** The metadata of GGUF bytes (read through the tensor package's reader), of a parsed file, or the metadata itself. */
function ggufMetadata(source: Readonly<Record<string, unknown>> | GgufFile | ArrayBuffer | ArrayBufferView): Readonly<Record<string, unknown>> {
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return readGguf(source).metadata;
  const maybeFile = source as Partial<GgufFile>;
  if (typeof maybeFile.info === 'function' && typeof maybeFile.metadata === 'object' && maybeFile.metadata !== null) return maybeFile.metadata;
  return source as Readonly<Record<string, unknown>>;
}
