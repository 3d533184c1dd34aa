// Helpers the benches share: medians, the run count, the machine's description and load (this machine is
// shared, so every result file records how busy it was while measuring).
import os from 'node:os';

/** The median of a list of numbers (the upper one of an even count), or null for an empty list. */
export function median(values) {
  if (values.length === 0) return null;
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/** Rounds for the JSON: null stays null. */
export function round(value, digits = 1) {
  return value === null || value === undefined ? null : Number(value.toFixed(digits));
}

/** Measured runs per figure: BENCH_RUNS, or the script's default. */
export function benchRuns(fallback) {
  const runs = Number(process.env.BENCH_RUNS ?? fallback);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`BENCH_RUNS must be a positive integer, got ${JSON.stringify(process.env.BENCH_RUNS)}`);
  return runs;
}

/** The machine, and its 1-minute load average now (call again at the end: `load()`). */
export function machine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpus: cpus.length,
    availableParallelism: os.availableParallelism?.() ?? cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    loadAverage1mAtStart: load(),
  };
}

/** The 1-minute load average (how many runnable processes compete for the cores). */
export function load() {
  return Number(os.loadavg()[0].toFixed(2));
}

/**
 * Runs each measurement function of `runners` (name → () => number | Promise<number>) `runs` times after
 * `warmUpRounds` unmeasured rounds (default 1), interleaved (one of each per round, the order rotating each round
 * so no implementation always follows the same one), and returns name → { median, runs }.
 */
export async function interleaved(runners, runs, { warmUpRounds = 1, onRound } = {}) {
  const names = Object.keys(runners);
  const values = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < warmUpRounds + runs; r++) {
    const order = names.map((_, i) => names[(i + r) % names.length]);
    for (const name of order) {
      const v = await runners[name]();
      if (r >= warmUpRounds) values[name].push(v);
    }
    if (r >= warmUpRounds) onRound?.(r - warmUpRounds + 1, Object.fromEntries(names.map((n) => [n, values[n][values[n].length - 1]])));
  }
  return Object.fromEntries(names.map((n) => [n, { median: median(values[n]), runs: values[n] }]));
}

/**
 * Warm-up: calls fn for >= warmUpMs (and >= 3 times) so every implementation reaches its optimised JIT tier
 * before it is timed; returns how many calls make a sample of >= minSampleMs.
 */
export function warmUp(fn, warmUpMs, minSampleMs) {
  const start = performance.now();
  let calls = 0;
  while (calls < 3 || performance.now() - start < warmUpMs) {
    fn();
    calls++;
  }
  const t0 = performance.now();
  fn();
  const once = Math.max(performance.now() - t0, 0.01);
  return Math.max(1, Math.ceil(minSampleMs / once));
}

/** Seconds per call, wall clock and this process's CPU time (all its threads), over `reps` calls. */
export function sample(fn, reps) {
  globalThis.gc?.();
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  for (let r = 0; r < reps; r++) fn();
  const wall = (performance.now() - start) / reps / 1000;
  const used = process.cpuUsage(cpu0);
  return { wall, cpu: (used.user + used.system) / 1e6 / reps };
}

/** n values in [-0.5, 0.5) from a fixed-seed LCG. */
export function floats(n, seed) {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

/**
 * A runner that alternates between two input sets (same shapes, other values) on every call.
 * NOTE: with one fixed input set, V8 inlined plain loops into the bench's closures with their input arrays as
 * constants (no bounds checks): a speed no library function, which receives its arrays as data, can have.
 */
export function twoInputSets(make) {
  const sets = [make(0), make(1)];
  let turn = 0;
  return { run: () => sets[turn++ & 1].run(), dispose: () => sets.forEach((s) => s.dispose()) };
}
