// The shared fixture helpers (one copy for every package): see test-support/shared-fixtures.ts.
export { sharedDir, fixturePath, loadFixture, expectClose, values } from '../../../../test-support/shared-fixtures';
export type { Fixture } from '../../../../test-support/shared-fixtures';
