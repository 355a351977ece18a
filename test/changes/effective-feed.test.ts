/**
 * The effective feed: over HTTP, its properties against an oracle, where "now" starts, and its bounds. Each is a `*.suite.ts` module; this entry loads them together so the
 * modules they share (Nest, the app, the validators) load once. Run one alone:
 * `npm run test:suite -- test/changes/effective-changes.suite.ts`.
 */
import './effective-changes.suite.js';
import './effective-feed.property.suite.js';
import './effective-now.suite.js';
import './feed-bounds.suite.js';
import './effective-now.oracle.suite.js';
