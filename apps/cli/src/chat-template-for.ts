import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { chatTemplateFromGguf, chatTemplateFromTokenizerConfig, PLAIN_CHAT_TEMPLATE, type ChatTemplateSource } from '@transformer-kit/tokenizer';
import { readGguf } from '@transformer-kit/transformer';
import { hubFile } from '@transformer-kit/transformer/node';
import { CliError } from './cli-error';

/** A chat template and where it came from (printed on stderr, so the user knows which one is in use). */
export interface ResolvedChatTemplate extends ChatTemplateSource {
  readonly origin: string;
}

const PLAIN: ChatTemplateSource = { template: PLAIN_CHAT_TEMPLATE, specialTokens: {} };
const PLAIN_NAME = "plain (the messages' texts, no roles: a reply continues the text, a new message starts a line)";

async function fromFile(path: string): Promise<ChatTemplateSource | undefined> {
  if (path.endsWith('.gguf')) return chatTemplateFromGguf(readGguf(new Uint8Array(await readFile(path))).metadata);
  const text = await readFile(path, 'utf8');
  if (path.endsWith('.json')) return chatTemplateFromTokenizerConfig(text);
  return { template: text, specialTokens: {} };
}

/**
 * The chat template for `--model spec`: `--chat-template` (a tokenizer_config.json, a .gguf, a Jinja file, or
 * 'plain') when given; else the model's own (tokenizer_config.json beside it, or the GGUF metadata); else the
 * plain template (llama2.c checkpoints have none).
 */
export async function chatTemplateFor(spec: string, flag: string | undefined): Promise<ResolvedChatTemplate> {
  if (flag === 'plain') return { ...PLAIN, origin: PLAIN_NAME };
  if (flag !== undefined) {
    if (!existsSync(flag)) throw new CliError(`--chat-template ${flag} does not exist (give a tokenizer_config.json, a .gguf, a Jinja file, or 'plain')`);
    const source = await fromFile(flag);
    if (!source) throw new CliError(`--chat-template ${flag} holds no chat template`);
    return { ...source, origin: flag };
  }
  let source: ChatTemplateSource | undefined;
  let origin = spec;
  if (existsSync(spec)) {
    const folder = statSync(spec).isDirectory();
    const config = folder ? join(spec, 'tokenizer_config.json') : join(spec, '..', 'tokenizer_config.json');
    if (!folder && spec.endsWith('.gguf')) source = await fromFile(spec);
    else if (existsSync(config)) [source, origin] = [await fromFile(config), config];
  } else if (!spec.endsWith('.bin')) {
    // A hub repository: its tokenizer_config.json (cached like the model's files), or a GGUF's metadata.
    const parts = spec.split('/').filter(Boolean);
    const repo = parts.slice(0, 2).join('/');
    const inner = parts.slice(2).join('/');
    if (inner.endsWith('.gguf')) {
      const bytes = await hubFile(repo, inner);
      source = bytes ? chatTemplateFromGguf(readGguf(bytes).metadata) : undefined;
    } else {
      const bytes = await hubFile(repo, inner ? `${inner}/tokenizer_config.json` : 'tokenizer_config.json');
      source = bytes ? chatTemplateFromTokenizerConfig(new TextDecoder().decode(bytes)) : undefined;
      origin = `${spec}/tokenizer_config.json`;
    }
  }
  if (source) return { ...source, origin };
  return { ...PLAIN, origin: `${PLAIN_NAME}, since ${basename(spec)} has none` };
}
