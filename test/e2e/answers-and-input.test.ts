/**
 * The HTTP end-to-end suites about what the answers say and how bad input is refused. Each is a `*.suite.ts` module; this entry loads them together so the
 * modules they share (Nest, the app, the validators) load once. Run one alone:
 * `npm run test:suite -- test/e2e/answers-that-say-what-they-do-not-know.suite.ts`.
 */
import './answers-that-say-what-they-do-not-know.suite.js';
import './cacheable-answers.suite.js';
import './hostile-input.suite.js';
import './strict-parameters.suite.js';
