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
 * const gpt2 = await readGpt2Files('shared/tokenizers/gpt2');
 */
export async function readGpt2Files(dir: string, files: { encoder?: string; merges?: string } = {}): Promise<ByteLevelBpe> {
  const encoderPath = files.encoder ?? join(dir, 'encoder.json');
  const mergesPath = files.merges ?? join(dir, 'vocab.bpe');
  const [encoder, merges] = await Promise.all([read(encoderPath, 'encoder.json'), read(mergesPath, 'vocab.bpe')]);
  return withPath(dir, () => loadGpt2Files(encoder.toString('utf8'), merges.toString('utf8')));
}

/**
 * A tiktoken rank file (`cl100k_base.tiktoken`) from disk.
 *
 * @example
 * const cl100k = await readTiktokenFile('cl100k_base.tiktoken', { pattern: 'cl100k' });
 */
export async function readTiktokenFile(path: string, options: TiktokenOptions): Promise<ByteLevelBpe> {
  const text = (await read(path, 'tiktoken rank file')).toString('utf8');
  return withPath(path, () => loadTiktokenRanks(text, options));
}

/**
 * llama2.c's `tokenizer.bin` from disk.
 *
 * @example
 * const llama = await readLlama2cTokenizer('tokenizer.bin', { vocabSize: 32000 });
 */
export async function readLlama2cTokenizer(path: string, options: { vocabSize?: number } = {}): Promise<SentencePieceBpe> {
  const bytes = await read(path, 'llama2.c tokenizer.bin');
  return withPath(path, () => loadLlama2cTokenizer(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), options));
}

/**
 * BERT's `vocab.txt` from disk.
 *
 * @example
 * const bert = await readBertVocab('bert-base-uncased/vocab.txt');
 */
export async function readBertVocab(path: string, normalizer: BertNormalizerOptions | null = {}): Promise<WordPiece> {
  const text = (await read(path, 'vocab.txt')).toString('utf8');
  return withPath(path, () => loadBertVocab(text, normalizer));
}

/**
 * A Hugging Face `tokenizer.json` from disk.
 *
 * @example
 * const tok = await readTokenizerJson('tokenizer.json');
 */
export async function readTokenizerJson(path: string): Promise<Tokenizer> {
  const text = (await read(path, 'tokenizer.json')).toString('utf8');
  return withPath(path, () => loadTokenizerJson(text));
}
