import { readFileSync } from 'node:fs';
import { loadLlama2c, generate } from '@transformer-kit/transformer';
const m = loadLlama2c(readFileSync('../shared/models/stories260K/stories260K.bin'), readFileSync('../shared/models/stories260K/tok512.bin'));
for (let r = 0; r < 5; r++) {
  const c0 = process.cpuUsage(); const t0 = performance.now(); let n = 0;
  for await (const t of generate(m.model, m.tokenizer, '', { maxTokens: 256, temperature: 0 })) n++;
  const c = process.cpuUsage(c0); const cpuS = (c.user + c.system) / 1e6;
  console.log(n, 'tokens', (n / ((performance.now() - t0) / 1000)).toFixed(0), 'tok/s wall', (n / cpuS).toFixed(0), 'tok/s cpu');
}
