/**
 * The feeds driven in process, without the app's store: their properties against an oracle over fixed logs, where
 * "now" starts, their bounds, the fan-out to many clients (on a SQLite store of its own) and the Server-Sent Events
 * writer. No store adapter can change what these find, so they run on SQLite only. Each is a `*.suite.ts` module; this
 * entry loads them together so the modules they share load once. Run one alone:
 * `npm run test:suite -- test/changes/effective-feed.property.suite.ts`.
 */
import './effective-feed.property.suite.js';
import './effective-now.suite.js';
import './feed-bounds.suite.js';
import './effective-now.oracle.suite.js';
import './ledger-feed.property.suite.js';
import './fan-out.suite.js';
import './sse-writer.suite.js';
import './resume-id-format.suite.js';
import './shared-transitions.suite.js';
import './step-pauses.suite.js';
