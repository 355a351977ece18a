/**
 * The suites outside e2e/ that run on both stores (`suitesOnBothStores` in jest.config.js): what they find depends on
 * what the app's store appends and reads back. The demo history, both clocks at once, replays and explanations, the
 * integrity proofs, and both feeds over HTTP. Each is a `*.suite.ts` module in its own folder; this entry loads them
 * together so the modules they share (Nest, the app, the validators) load once per project. Run one alone:
 * `npm run test:suite -- test/queries/bitemporal.suite.ts`.
 */
import '../queries/demo-history.suite.js';
import '../queries/bitemporal.suite.js';
import '../investigations/replay.suite.js';
import '../integrity/integrity-http.suite.js';
import '../changes/ledger-changes.suite.js';
import '../changes/effective-changes.suite.js';
import '../changes/resume-past-head.suite.js';
