import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadBertVocab, loadGgufTokenizer, loadGpt2Files, loadLlama2cTokenizer, loadTokenizerJson, type Tokenizer } from '@transformer-kit/tokenizer';
import { readGguf } from '@transformer-kit/transformer';
import { readRegularFile } from '@transformer-kit/transformer/node';
import { CliError } from './cli-error';

/**
 * A tokenizer from a file, by its kind: tokenizer.json (Hugging Face), a llama2.c tokenizer.bin, a GGUF
 * (its metadata), a BERT vocab.txt, or GPT-2's encoder.json (with vocab.bpe beside it) / a folder holding them.
 */
export async function loadTokenizerFile(path: string, vocabSize?: number): Promise<Tokenizer> {
  if (!existsSync(path)) throw new CliError(`tokenizer ${path} does not exist`);
  if (statSync(path).isDirectory()) {
    for (const name of ['tokenizer.json', 'tokenizer.bin', 'vocab.txt', 'encoder.json']) {
      if (existsSync(join(path, name))) return loadTokenizerFile(join(path, name), vocabSize);
    }
    throw new CliError(`${path} holds no tokenizer.json, tokenizer.bin, vocab.txt or encoder.json`);
  }
  const name = basename(path);
  try {
    // Regular files only, with a size limit: a FIFO or /dev/zero given as --tokenizer is refused at once.
    const bytes = await readRegularFile(path);
    if (name.endsWith('.json') && name !== 'encoder.json') return loadTokenizerJson(bytes);
    if (name === 'encoder.json') {
      const merges = join(path, '..', 'vocab.bpe');
      if (!existsSync(merges)) throw new CliError(`${path}: GPT-2's vocab.bpe must sit beside encoder.json`);
      return loadGpt2Files(new TextDecoder().decode(bytes), new TextDecoder().decode(await readRegularFile(merges)));
    }
    if (name.endsWith('.txt')) return loadBertVocab(new TextDecoder().decode(bytes));
    if (name.endsWith('.gguf') || new TextDecoder().decode(bytes.subarray(0, 4)) === 'GGUF') return loadGgufTokenizer(readGguf(bytes).metadata);
    return loadLlama2cTokenizer(bytes, vocabSize ? { vocabSize } : {});
  } catch (error) {
    if (error instanceof CliError) throw error;
    const message = (error as Error).message;
    throw new CliError(message.startsWith(`cannot read ${path}:`) ? `tokenizer ${message}` : `cannot read tokenizer ${path}: ${message}`);
  }
}
