/**
 * The HTTP end-to-end suites about recording commands and reading what they wrote, on one instance and across two. Each is a `*.suite.ts` module; this entry loads them together so the
 * modules they share (Nest, the app, the validators) load once. Run one alone:
 * `npm run test:suite -- test/e2e/commands.suite.ts`.
 */
import './commands.suite.js';
import './consistency-tokens.suite.js';
import './sse-resume-across-instances.suite.js';
import './wide-measures.suite.js';
