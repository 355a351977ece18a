/**
 * The ledger feed: over HTTP, its properties, its fan-out to many clients, and the Server-Sent Events writer. Each is a `*.suite.ts` module; this entry loads them together so the
 * modules they share (Nest, the app, the validators) load once. Run one alone:
 * `npm run test:suite -- test/changes/ledger-changes.suite.ts`.
 */
import './ledger-changes.suite.js';
import './ledger-feed.property.suite.js';
import './fan-out.suite.js';
import './sse-writer.suite.js';
import './resume-past-head.suite.js';
