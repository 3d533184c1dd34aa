// Every package's vitest setup (vitest.shared.ts). NOTE: vitest's worker RPC (birpc, 60 s timeout) is answered only
// when the worker's event loop takes a macrotask, and awaiting one test after another yields microtasks only. A file
// of tests that compute synchronously for over a minute in a row (the GPU model parity tests under headless GL on a
// loaded machine) then ends with 'Timeout calling "onTaskUpdate"' although every test passed. One macrotask after
// each test lets the answers in.
import { afterEach } from 'vitest';

afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
