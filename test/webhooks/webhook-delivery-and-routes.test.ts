/**
 * Webhooks: their routes, delivery end to end, several instances, recovery after a crash. Each is a `*.suite.ts` module; this entry loads them together so the
 * modules they share (Nest, the app, the validators) load once. Run one alone:
 * `npm run test:suite -- test/webhooks/webhook-routes.suite.ts`.
 */
import './webhook-routes.suite.js';
import './webhooks.suite.js';
import './several-instances.suite.js';
import './delivery-recovery.suite.js';
import '../subscriber-state/subscribers-file.suite.js';
import './url-policy-ipv6.suite.js';
