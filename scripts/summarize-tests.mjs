#!/usr/bin/env node
// Reads a test log on stdin (vitest output from `npm test`), passes it through, and ends with one plain line
// adding up every package's counts: "tests: N passed, N failed, N skipped". CI readers look for that line.
import { createInterface } from 'node:readline';

let passed = 0;
let failed = 0;
let skipped = 0;
const strip = (line) => line.replace(/\x1b\[[0-9;]*m/g, '');
for await (const raw of createInterface({ input: process.stdin })) {
  process.stdout.write(raw + '\n');
  // vitest's summary: "      Tests  20 passed (20)" or "Tests  2 failed | 330 passed | 10 skipped (342)"
  const line = strip(raw);
  const summary = /\bTests\s+(.*)\(\d+\)\s*$/.exec(line);
  if (!summary || /Test Files/.test(line)) continue;
  for (const [, n, kind] of summary[1].matchAll(/(\d+)\s+(passed|failed|skipped|todo)/g)) {
    if (kind === 'passed') passed += Number(n);
    else if (kind === 'failed') failed += Number(n);
    else skipped += Number(n);
  }
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
