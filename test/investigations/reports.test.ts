/**
 * Investigation reports, their properties, joint causes and exempt unions, hostile ledger values in exported
 * reports. Each is a `*.suite.ts` module; this entry loads them together so the
 * modules they share (Nest, the app, the validators) load once. Run one alone:
 * `npm run test:suite -- test/investigations/report.suite.ts`.
 */
import './report.suite.js';
import './report.property.suite.js';
import './joint-causes.suite.js';
import './exempt-union.property.suite.js';
import './report-injection.suite.js';
import './report-size.suite.js';
import './paced-render.suite.js';
import './why-not-restricted.suite.js';
