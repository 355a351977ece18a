/**
 * The OpenAPI and AsyncAPI documents the server publishes. Each is a `*.suite.ts` module; this entry loads them together so the
 * modules they share (Nest, the app, the validators) load once. Run one alone:
 * `npm run test:suite -- test/contracts-api/openapi.suite.ts`.
 */
import './openapi.suite.js';
import './asyncapi.suite.js';
