/**
 * The event stores: unreadable events, the command-stream cache, damaged files, event ids, group commit, EventStoreDB
 * faults, syncs and checkpoints off the event loop, outages and damage told over HTTP, writes interrupted by a kill,
 * crash safety. Each is a `*.suite.ts` module; this entry loads them together so the modules they share load once.
 * Run one alone: `npm run test:suite -- test/store/unreadable-event.suite.ts`.
 */
import './unreadable-event.suite.js';
import './command-stream-cache.suite.js';
import './damaged-files.suite.js';
import './event-ids.suite.js';
import './group-commit.property.suite.js';
import './eventstoredb-faults.suite.js';
import './wal-durability.suite.js';
import './eventstoredb-outage-http.suite.js';
import './damaged-file-http.suite.js';
import './interrupted-writes.suite.js';
import './crash-safety.suite.js';
