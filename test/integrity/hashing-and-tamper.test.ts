/**
 * Canonical JSON, the Merkle tree, and tampering found. Each is a `*.suite.ts` module; this entry loads them together so the
 * modules they share load once. Run one alone:
 * `npm run test:suite -- test/integrity/canonical-json.suite.ts`.
 */
import './canonical-json.suite.js';
import './merkle.suite.js';
import './tamper.suite.js';
