/**
 * The app as served and deployed: authentication before the body, public routes, storage failures, `regledger serve`
 * stopping at once on what it cannot use, its configuration, the compose files, and the modules an embedded ledger
 * loads. Each is a `*.suite.ts` module; this entry loads them together so the modules they share (Nest, the app, the
 * validators) load once. Run one alone: `npm run test:suite -- test/app/auth-before-body.suite.ts`.
 */
import './auth-before-body.suite.js';
import './public-routes.suite.js';
import './storage-failures-http.suite.js';
import './startup-failures.suite.js';
import './config.suite.js';
import './deployment.suite.js';
import './scale-out.suite.js';
import './embedded-modules.suite.js';
import '../auth/stream-tickets-across-instances.suite.js';
import '../auth/tickets-outlive-keys.suite.js';
import '../e2e/written-instants.wide.oracle.suite.js';
