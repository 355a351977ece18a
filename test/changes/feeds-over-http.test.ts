/**
 * Both feeds over HTTP on the app's own store: the ledger feed and the effective feed as clients see them, and a
 * resume past the head. These run on both stores (the eventstoredb-wire project too): what they send depends on what
 * the store appends and reads back. Each is a `*.suite.ts` module; this entry loads them together so the modules they
 * share (Nest, the app, the validators) load once. Run one alone:
 * `npm run test:suite -- test/changes/ledger-changes.suite.ts`.
 */
import './ledger-changes.suite.js';
import './effective-changes.suite.js';
import './resume-past-head.suite.js';
