/**
 * Fuzzing the HTTP API: command bodies, headers, query parameters. Each is a `*.suite.ts` module; this entry loads them together so the
 * modules they share (Nest, the app, the validators) load once. Run one alone:
 * `npm run test:suite -- test/fuzz/command-bodies.suite.ts`.
 */
import './command-bodies.suite.js';
import './headers.suite.js';
import './query-params.suite.js';
import '../http/command-body-edges.suite.js';
import '../http/empty-query-values.suite.js';
import '../http/small-edges.suite.js';
import './write-bodies.suite.js';
import '../http/request-edges.suite.js';
