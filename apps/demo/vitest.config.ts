import { packageTestConfig } from '../../vitest.shared';

/**
 * The demo's tests: the browser test drives the BUILT demo (dist/, made by `vite build` in the "test" script) in
 * Chromium and checks it against CPU references computed here in Node from the packages' sources (aliased like
 * every package's tests); the docs-examples test runs the code of docs/ and of the packages' TSDoc. Both are
 * slow (a model in a software-rendered WebGL2, hundreds of examples), hence the long timeouts and one file at a
 * time.
 */
export default packageTestConfig({
  testTimeout: 600_000,
  hookTimeout: 900_000,
  fileParallelism: false,
});
