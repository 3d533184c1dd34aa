// Runs in Chromium (bundled by browser-from-pretrained.test.ts): the browser fromPretrained against the
// stand-in hub served from the same origin under /hub, then the stories260K story, greedy.
import { generate, requireCausalLM } from '../../src/index';
import { fromPretrained } from '../../src/browser/index';

declare global {
  interface Window {
    __result?: Record<string, unknown>;
  }
}

async function run() {
  const endpoint = `${location.origin}/hub`;
  const events: string[] = [];
  const loaded = await fromPretrained('karpathy/tinyllamas/stories260K', { endpoint, onProgress: (p) => events.push(`${p.phase}:${p.file}:${p.loaded}/${p.total}`) });
  const { model, tokenizer } = requireCausalLM(loaded, 'karpathy/tinyllamas/stories260K');
  let text = '';
  for await (const t of generate(model, tokenizer, '', { maxTokens: 256, temperature: 0 })) text += t.text;
  const cached = (await (await caches.open('transformer-kit-hub')).keys()).map((r) => new URL(r.url).pathname);
  const again = await fromPretrained('karpathy/tinyllamas/stories260K', { endpoint, onProgress: (p) => events.push(`again:${p.file}`) });
  const gpt2 = await fromPretrained('fixtures/models/gpt2-tiny', { endpoint });
  let missing = '';
  try {
    await fromPretrained('karpathy/tinyllamas/nothing-here', { endpoint });
  } catch (error) {
    missing = (error as Error).message;
  }
  return {
    format: loaded.format,
    text,
    events,
    cached,
    secondLoad: again.format,
    gpt2: { format: gpt2.format, family: gpt2.model.family, hasTokenizer: gpt2.tokenizer !== undefined },
    missing,
  };
}

run().then(
  (result) => (window.__result = result),
  (error: Error) => (window.__result = { error: `${error.message}\n${error.stack}` }),
);
