/** Jest runs the TypeScript sources as ES modules (NestJS 12 is ESM-only). */
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  setupFilesAfterEnv: ['<rootDir>/test/support/fast-check-seed.ts'],
};

export default {
  testTimeout: 30000,
  projects: [
    {
      ...common,
      displayName: 'sqlite',
      testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/clients/typescript/test/**/*.test.ts'],
      testPathIgnorePatterns: ['<rootDir>/test/real-eventstoredb/'],
    },
    // The HTTP end-to-end suites again, on the EventStoreDB adapter over the wire-level test server.
    {
      ...common,
      displayName: 'eventstoredb-wire',
      testMatch: [
        '<rootDir>/test/e2e/**/*.test.ts',
        '<rootDir>/test/changes/*.test.ts',
        '<rootDir>/test/queries/demo-history.test.ts',
        '<rootDir>/test/queries/bitemporal.test.ts',
        '<rootDir>/test/integrity/integrity-http.test.ts',
        '<rootDir>/test/investigations/replay.test.ts',
        '<rootDir>/clients/typescript/test/**/*.test.ts',
      ],
      setupFiles: ['<rootDir>/test/support/eventstoredb-store-env.ts'],
    },
  ],
};
