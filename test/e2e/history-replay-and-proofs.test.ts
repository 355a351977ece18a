/**
 * The HTTP suites outside e2e/ that run on both stores: the demo history, both clocks at once, replays and
 * explanations, the integrity proofs. Each is a `*.suite.ts` module in its own folder; this entry loads them together
 * so the modules they share (Nest, the app, the validators) load once per project. Run one alone:
 * `npm run test:suite -- test/queries/bitemporal.suite.ts`.
 */
import '../queries/demo-history.suite.js';
import '../queries/bitemporal.suite.js';
import '../investigations/replay.suite.js';
import '../integrity/integrity-http.suite.js';
