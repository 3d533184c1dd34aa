import { createInterface } from 'node:readline';
import type { CliIO } from '../io';
import { ChatSession } from '../chat-session';
import { chatTemplateFor } from '../chat-template-for';
import { parseFlags } from '../parse-flags';
import { BACKEND_HELP, SAMPLING_HELP } from '../sampling-flags';
import { GENERATION_FLAGS, setUpGeneration } from '../set-up-generation';
import { TokenRate } from '../token-rate';

export const CHAT_HELP = `Usage: transformer-kit chat --model <path|owner/repo[/folder]> [options]

Talks with a model through its chat template: type a message, the reply streams to stdout. The KV cache is
kept between turns, so each turn feeds only its new tokens. Reads lines from stdin (piped input works);
an empty line is skipped, /exit or end of input ends the chat. Prompts and statistics go to stderr.

The template is the model's own (tokenizer_config.json beside it, or the GGUF's tokenizer.chat_template);
a model without one (llama2.c's stories260K) gets the plain template: the messages' texts without roles, a
reply continuing the text and each new message on a new line, so a story model continues your words.

Options:
  --model <spec>        as for generate
  --tokenizer <file>    as for generate
  --chat-template <t>   a tokenizer_config.json, a .gguf, a Jinja file, or 'plain' (default: the model's)
  --system <text>       a system message first
  --prompt <text>       with --json: the one user message (default: all of stdin)
${SAMPLING_HELP}${BACKEND_HELP}  --json                one-shot: answer one message and print {"model", "template", "messages", "reply",
                        "tokensPerSecond"}
  -h, --help            this help
`;

/** `transformer-kit chat`. */
export async function chatCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags({
    args,
    options: { ...GENERATION_FLAGS, 'chat-template': { type: 'string' }, system: { type: 'string' }, prompt: { type: 'string' } },
    strict: true,
  });
  if (values.help) {
    io.stdout(CHAT_HELP);
    return 0;
  }
  const { spec, options, backend, loaded, model, tokenizer } = await setUpGeneration(values, 'chat', io);
  const template = await chatTemplateFor(spec, values['chat-template']);
  io.stderr(`loaded ${spec} (${model.family}, ${loaded.format}) on ${backend.name}; chat template: ${template.origin}\n`);
  const session = new ChatSession(model, tokenizer, template);
  if (values.system) session.messages.push({ role: 'system', content: values.system });
  try {
    if (values.json) {
      const message = values.prompt ?? (await readAll(io.stdin ?? process.stdin)).replace(/\n$/, '');
      const rate = new TokenRate();
      let reply = '';
      for await (const token of session.say(message, options)) {
        reply += token.text;
        rate.tick();
      }
      io.stdout(`${JSON.stringify({ model: spec, template: template.origin, messages: session.messages, reply, tokensPerSecond: rate.perSecond() })}\n`);
      return 0;
    }
    const lines = createInterface({ input: io.stdin ?? process.stdin, crlfDelay: Infinity, terminal: false });
    io.stderr('> ');
    for await (const line of lines) {
      if (line.trim() === '/exit') break;
      if (line.trim() !== '') {
        const rate = new TokenRate();
        for await (const token of session.say(line, options)) {
          io.stdout(token.text);
          rate.tick();
        }
        io.stdout('\n');
        const perSecond = rate.perSecond();
        io.stderr(`[${rate.count} tokens${perSecond === null ? '' : `, ${perSecond.toFixed(1)} tok/s`}; fed ${session.fedPerTurn.at(-1)} new tokens, ${session.ids.length} in the conversation]\n`);
      }
      io.stderr('> ');
    }
    io.stderr('\n');
    return 0;
  } finally {
    session.dispose();
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
