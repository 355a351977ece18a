/**
 * Replay, timelines and explanations held to what happened: end dates moved by later records, answers as of a
 * position, windowed timelines, exemptions that lapsed. Each is a `*.suite.ts` module; this entry loads them together
 * so the modules they share load once. Run one alone:
 * `npm run test:suite -- test/investigations/replay-end-dates.suite.ts`.
 */
import './replay-end-dates.suite.js';
import './replay-as-of.suite.js';
import './replay-findings-http.suite.js';
import './replay-record.property.suite.js';
import './timeline-window.suite.js';
import './timeline-window.property.suite.js';
import './explain-partial-exemption.suite.js';
import './paced-replay.suite.js';
import './replay-standing-instants.suite.js';
import './replay-retracted-naming.suite.js';
import './timeline-memory.suite.js';
import './replay-window-edges.suite.js';
import './replay-window.property.suite.js';
import './timeline-breakdown.suite.js';
