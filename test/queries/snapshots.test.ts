/**
 * Read-model snapshots: configuration, restarts, serving from one, and their properties. Each is a `*.suite.ts` module; this entry loads them together so the
 * modules they share (Nest, the app, the validators) load once. Run one alone:
 * `npm run test:suite -- test/queries/snapshot-config.suite.ts`.
 */
import './snapshot-config.suite.js';
import './snapshot-restart.suite.js';
import './snapshot-serve.suite.js';
import './snapshot.property.suite.js';
