import { checkTokenizerFitsModel, isCausalLM, type CausalLM, type LoadedModel } from '@transformer-kit/transformer';
import { fromPretrained } from '@transformer-kit/transformer/node';
import type { Tokenizer } from '@transformer-kit/tokenizer';
import { CliError } from './cli-error';
import type { CliIO } from './io';
import { loadTokenizerFile } from './load-tokenizer-file';

/** A model from a path or a Hugging Face repository, with progress on stderr, and its tokenizer. */
export async function loadModel(spec: string, tokenizerPath: string | undefined, io: CliIO): Promise<LoadedModel & { loadMs: number }> {
  const start = performance.now();
  let lastReport = 0;
  let loaded: LoadedModel;
  try {
    loaded = await fromPretrained(spec, {
      onProgress: (p) => {
        if (p.phase !== 'download') return;
        const now = performance.now();
        if (now - lastReport < 250 && p.loaded !== p.total) return;
        lastReport = now;
        const pct = p.total ? ` ${((100 * p.loaded) / p.total).toFixed(0)}%` : '';
        io.stderr(`downloading ${p.file} ${(p.loaded / 1e6).toFixed(1)} MB${pct}\n`);
      },
    });
  } catch (error) {
    throw new CliError(`cannot load ${spec}: ${(error as Error).message}`);
  }
  // NOTE: no vocabulary hint: a tokenizer.bin is read whole, so another model's (longer) vocabulary shows.
  const tokenizer = tokenizerPath ? await loadTokenizerFile(tokenizerPath) : loaded.tokenizer;
  if (tokenizerPath && tokenizer) {
    try {
      checkTokenizerFitsModel(tokenizer, loaded.config.vocabSize, { model: spec, tokenizer: tokenizerPath, exact: loaded.format === 'llama2c' });
    } catch (error) {
      throw new CliError((error as Error).message);
    }
  }
  return { ...loaded, tokenizer, loadMs: performance.now() - start };
}

/** The loaded model as a causal LM with a tokenizer, or a one-line error saying what is missing. */
export function requireGenerative(loaded: LoadedModel, spec: string): { model: CausalLM; tokenizer: Tokenizer } {
  if (!isCausalLM(loaded.model)) throw new CliError(`${spec} is a ${loaded.model.family} encoder: it cannot generate text`);
  if (!loaded.tokenizer) throw new CliError(`${spec} has no tokenizer: pass --tokenizer <file>`);
  return { model: loaded.model, tokenizer: loaded.tokenizer };
}
