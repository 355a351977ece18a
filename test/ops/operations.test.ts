/**
 * Operations: the HTTP operations routes, retries, engines, dependency rules, the command line help, several worker
 * processes on one port, and a graceful shutdown. Each is a `*.suite.ts` module; this entry loads them together so the
 * modules they share load once. Run one alone:
 * `npm run test:suite -- test/ops/http-operations.suite.ts`.
 */
import './http-operations.suite.js';
import './retry.suite.js';
import './engines.suite.js';
import './dependency-rules.suite.js';
import './cli-help.suite.js';
import './workers.suite.js';
import './shutdown.suite.js';
