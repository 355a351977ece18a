// Selects the EventStoreDB adapter (over the wire-level test server) for suites that take the default store.
process.env.REGLEDGER_TEST_STORE = 'eventstoredb';
