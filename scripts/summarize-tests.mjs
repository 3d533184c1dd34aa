#!/usr/bin/env node
// Reads a test log on stdin (vitest output from `npm test`), passes it through, and ends with one plain line
// adding up every package's counts: "tests: N passed, N failed, N skipped". CI readers look for that line.
// When something failed, the lines naming the failures (vitest's FAIL/× lines and the errors after them) are
// repeated just above it: a CI log is often read from its end, where a long run's early failure is out of sight.
import { createInterface } from 'node:readline';

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
const MAX_FAILURE_LINES = 80;
// eslint-disable-next-line no-control-regex -- vitest's colour codes start with ESC
const strip = (line) => line.replace(/\x1b\[[0-9;]*m/g, '');
for await (const raw of createInterface({ input: process.stdin })) {
  process.stdout.write(raw + '\n');
  // vitest's summary: "      Tests  20 passed (20)" or "Tests  2 failed | 330 passed | 10 skipped (342)"
  const line = strip(raw);
  // turbo prefixes each line with "<package>:<task>: "; vitest marks a failed file "FAIL" and a failed test "×",
  // and prints the error's name ("AssertionError: ...", "Error: ...") under it.
  const body = line.replace(/^\S+:\S+:\s?/, '');
  if (/^\s*(FAIL\b|×\s)|^\s*(\w*Error|Error):/.test(body) || /ERR!|exited \(\d+\)/.test(line)) {
    if (failures.length < MAX_FAILURE_LINES) failures.push(line.trimEnd());
  }
  const summary = /\bTests\s+(.*)\(\d+\)\s*$/.exec(line);
  if (!summary || /Test Files/.test(line)) continue;
  for (const [, n, kind] of summary[1].matchAll(/(\d+)\s+(passed|failed|skipped|todo)/g)) {
    if (kind === 'passed') passed += Number(n);
    else if (kind === 'failed') failed += Number(n);
    else skipped += Number(n);
  }
}
// Error lines also appear in passing tests' output (tests of error messages): repeat them only after a failure.
if (failures.length > 0 && (failed > 0 || failures.some((line) => /exited \(\d+\)|FAIL\b/.test(line)))) {
  console.log('\nfailures (repeated from above):');
  for (const line of failures) console.log(`  ${line}`);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
