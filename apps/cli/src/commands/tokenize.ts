import { parseFlags } from '../parse-flags';
import type { CliIO } from '../io';
import { loadTokenizerFile } from '../load-tokenizer-file';
import { requiredFlag } from '../options';

export const TOKENIZE_HELP = `Usage: transformer-kit tokenize --tokenizer <file> [--text <text>] [--json]

Prints the ids and the tokens of the text, with the tokenizer's default special tokens
(BOS for Llama, [CLS]/[SEP] for BERT, none for GPT-2). Reads the text from stdin when --text is absent.

Options:
  --tokenizer <file>    tokenizer.json, llama2.c tokenizer.bin, .gguf, vocab.txt, or encoder.json (+ vocab.bpe)
  --text <text>         the text to tokenize
  --no-special          leave out the special tokens
  --json                print {"ids": [...], "tokens": [...]}
  -h, --help            this help
`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `transformer-kit tokenize`. */
export async function tokenizeCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags({
    args,
    options: {
      tokenizer: { type: 'string' },
      text: { type: 'string' },
      'no-special': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout(TOKENIZE_HELP);
    return 0;
  }
  const tokenizer = await loadTokenizerFile(requiredFlag(values, 'tokenizer', 'tokenize'));
  const text = values.text ?? (await readStdin());
  const ids = tokenizer.encode(text, { addSpecialTokens: !values['no-special'] });
  const tokens = ids.map((id) => tokenizer.idToToken(id));
  if (values.json) {
    io.stdout(`${JSON.stringify({ ids, tokens })}\n`);
    return 0;
  }
  io.stdout(`${ids.length} tokens (${tokenizer.kind}, vocabulary ${tokenizer.vocabSize})\n`);
  io.stdout(`ids: ${ids.join(' ')}\n`);
  for (const [i, id] of ids.entries()) io.stdout(`${String(i).padStart(4)}  ${String(id).padStart(6)}  ${JSON.stringify(tokens[i])}\n`);
  return 0;
}
