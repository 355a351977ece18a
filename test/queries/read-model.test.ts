/**
 * The read model against a naive oracle, its listings, its head, and paced JSON answers. Each is a `*.suite.ts` module; this entry loads them together so the
 * modules they share (Nest, the app, the validators) load once. Run one alone:
 * `npm run test:suite -- test/queries/differential.property.suite.ts`.
 */
import './differential.property.suite.js';
import './listings.property.suite.js';
import './read-model-head.property.suite.js';
import './paced-json.suite.js';
import './lifted-before-force.suite.js';
import './check-pending-bearing.suite.js';
import './pending-after-expiry.suite.js';
import './exemption-outside-scope.suite.js';
import './easing-outside-scope.suite.js';
import './exemption-carves-nothing-view.suite.js';
