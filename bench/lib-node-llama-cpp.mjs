// llama.cpp as a bench peer, through node-llama-cpp (pinned 3.21.1): its prebuilt CPU binary
// (getLlama({ gpu: false, build: 'never' })), a given thread count. Decode and prompt runs on one context.

/** node-llama-cpp on a GGUF file: decode(promptIds, count) and prompt(ids) give tokens/s; dispose() frees it. */
export async function nodeLlamaCppPeer(path, { threads = 1, contextSize = 512 } = {}) {
  const { getLlama } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error' });
  const model = await llama.loadModel({ modelPath: path, gpuLayers: 0 });
  const context = await model.createContext({ contextSize, batchSize: 512, threads });
  const sequence = context.getSequence();
  return {
    threads: context.currentThreads,
    buildType: llama.buildType,
    /**
     * Greedy: `count` tokens after the prompt's (fewer if `maxSeconds` pass first: `tokens` says how many were
     * timed); the clock starts at the first generated token. `cpuSeconds`: the process's CPU time over the same
     * span (llama.cpp's threads run inside this process).
     */
    async decode(promptIds, count, maxSeconds = Infinity) {
      await sequence.clearHistory();
      const ids = [];
      let t0 = 0;
      let cpu0 = null;
      for await (const token of sequence.evaluate(promptIds, { temperature: 0 })) {
        ids.push(token);
        if (ids.length === 1) {
          t0 = performance.now();
          cpu0 = process.cpuUsage();
        }
        if (ids.length === count + 1 || (ids.length > 1 && performance.now() - t0 > maxSeconds * 1000)) break;
      }
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0 ?? undefined);
      return { tokensPerSecond: (ids.length - 1) / seconds, tokens: ids.length - 1, ids, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
    },
    /** One forward pass over `ids` into an empty cache. */
    async prompt(ids) {
      await sequence.clearHistory();
      const t0 = performance.now();
      await sequence.evaluateWithoutGeneratingNewTokens(ids);
      return { tokensPerSecond: ids.length / ((performance.now() - t0) / 1000) };
    },
    async dispose() {
      await context.dispose();
      await model.dispose();
    },
  };
}
