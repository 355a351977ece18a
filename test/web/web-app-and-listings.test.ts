/**
 * The auditor's web app in a browser, the listings its search reads (and the app as served), and the two-clocks
 * chart's data. Each is a `*.suite.ts` module; this entry loads them together so the modules they share (Nest, the
 * app, the validators) load once. Run one alone: `npm run test:suite -- test/web/web-app.suite.ts`.
 */
import './web-app.suite.js';
import './listings-and-serving.suite.js';
import './chart-data.suite.js';
