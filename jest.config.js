/**
 * Jest runs the TypeScript sources as ES modules (NestJS 12 is ESM-only).
 *
 * Each test file loads its modules into a registry of its own: Nest, fastify, class-validator and the app take ~2 s to
 * load in each. So the suites that start the app (and the pure ones beside them) are `*.suite.ts` modules, gathered
 * into one `*.test.ts` entry per kind of app or folder, each module's tests in a `describe` named after it.
 * jest.suite.config.js runs suite modules alone: `npm run test:suite -- <path of a .suite.ts>`.
 */
export const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // ts-jest, its output kept once for both projects (jest.transform.js).
  transform: { '^.+\\.ts$': ['<rootDir>/jest.transform.js', { useESM: true, tsconfig: 'tsconfig.json' }] },
  setupFilesAfterEnv: ['<rootDir>/test/support/fast-check-seed.ts'],
};

/** Suite modules outside e2e/ that run on both stores, gathered in test/e2e/suites-on-both-stores.test.ts. */
export const suitesOnBothStores = [
  'test/queries/demo-history.suite.ts',
  'test/queries/bitemporal.suite.ts',
  'test/investigations/replay.suite.ts',
  'test/integrity/integrity-http.suite.ts',
  'test/changes/ledger-changes.suite.ts',
  'test/changes/effective-changes.suite.ts',
  'test/changes/resume-past-head.suite.ts',
];

export default {
  testTimeout: 30000,
  testSequencer: '<rootDir>/jest.sequencer.js',
  // No handle outlives the suites: a worker's code is done 1-30 ms after jest ends it, but the process, holding
  // 0.8-1.6 GB of module registries by then, takes 0.5-1 s to tear down: longer than jest's default 500 ms, after which
  // it kills it and warns "a worker process has failed to exit gracefully". A worker really held open still fails.
  workerGracefulExitTimeout: 3000,
  projects: [
    {
      ...common,
      displayName: 'sqlite',
      testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/clients/typescript/test/**/*.test.ts'],
      testPathIgnorePatterns: ['<rootDir>/test/real-eventstoredb/'],
    },
    // The HTTP end-to-end suites again (with suitesOnBothStores), on the EventStoreDB adapter over the wire-level test
    // server: the suites whose results depend on what the app's store appends and reads back. Those that drive a feed
    // in process over a fixed log, or the SSE writer alone, find the same on any store and run on SQLite only.
    {
      ...common,
      displayName: 'eventstoredb-wire',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts', '<rootDir>/clients/typescript/test/**/*.test.ts'],
      setupFiles: ['<rootDir>/test/support/eventstoredb-store-env.ts'],
    },
  ],
};
