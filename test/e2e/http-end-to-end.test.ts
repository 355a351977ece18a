/**
 * The HTTP end-to-end suites: recording commands and reading what they wrote, on one instance and across two; what
 * the answers say; how bad input is refused. Each is a `*.suite.ts` module; this entry loads them together so the
 * modules they share (Nest, the app, the validators) load once per project. Run one alone:
 * `npm run test:suite -- test/e2e/commands.suite.ts`.
 */
import './commands.suite.js';
import './consistency-tokens.suite.js';
import './sse-resume-across-instances.suite.js';
import './answers-that-say-what-they-do-not-know.suite.js';
import './cacheable-answers.suite.js';
import './hostile-input.suite.js';
import './strict-parameters.suite.js';
import './wide-measures.suite.js';
import './command-limits.suite.js';
import '../http/batch-bounds.suite.js';
import './not-modified-only-for-answers.suite.js';
import './consumer-names.suite.js';
import './nothing-recorded-yet.suite.js';
