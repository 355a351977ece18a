/** `npm run test:eventstoredb`: the store contract against the EventStoreDB named by EVENTSTORE_CONNECTION_STRING. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/test/real-eventstoredb/**/*.test.ts'],
  testTimeout: 60000,
};
