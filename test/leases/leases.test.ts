/**
 * Leases: the lease contract on both stores, and three instances on one ledger delivering each webhook message once.
 * Each is a `*.suite.ts` module; this entry loads them together so the modules they share load once. Run one alone:
 * `npm run test:suite -- test/leases/three-instances.suite.ts`.
 */
import './three-instances.suite.js';
import './lease-stores.suite.js';
