/**
 * The store contract on SQLite and on EventStoreDB's wire protocol, and the script that runs it against a real
 * EventStoreDB. Each is a `*.suite.ts` module; this entry loads them together so the contract suite and the stores
 * load once. Run one alone: `npm run test:suite -- test/contract/sqlite.suite.ts`.
 */
import './sqlite.suite.js';
import './eventstoredb-wire.suite.js';
import './test-eventstoredb-script.suite.js';
