/**
 * The CLI: its commands in process on a demo ledger, and the server and EventStoreDB runs it spawns. Each is a
 * `*.suite.ts` module; this entry loads them together so the modules they share (the CLI, the app, the stores) load
 * once. Run one alone: `npm run test:suite -- test/cli/investigate.suite.ts`.
 */
import './cli.suite.js';
import './eventstoredb-serve.suite.js';
import './investigate.suite.js';
import './knowledge-and-tail.suite.js';
import './replay-changed-intervals.suite.js';
import './timeline-window.suite.js';
import './export-out.suite.js';
import './window-and-position-bounds.suite.js';
import './option-values.suite.js';
import './check-text.suite.js';
import './import-duplicate-keys.suite.js';
import './import-problem-lines.suite.js';
import '../fuzz/import-files.suite.js';
