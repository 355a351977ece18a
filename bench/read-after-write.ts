/**
 * What a server's reads after its writes cost the read model: a soak-shaped
 * ledger folded event by event, each measure read (its newest history, and a
 * subject, scope and exemptions asked of it) after every write to it, as the
 * soak's readers and the feeds do. Prints the time and the garbage collector's
 * work (collections by kind and their time): the garbage a read leaves is what
 * a busy server's pauses are made of.
 *
 *   npm run build --silent && node dist/bench/read-after-write.js 30000
 */
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { evolve, initialState, measureAsOf, measureIdOf } from '../projections/ledger-read-model.js';
import { machine, round } from './lib.js';
import { soakLedger } from './soak-ledger.js';

const EVENTS = Number(process.argv[2] ?? 30_000);

const collections = new Map<string, { count: number; ms: number }>();
const KINDS: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weak callbacks' };
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries() as (PerformanceEntry & { detail?: { kind?: number } })[]) {
    const kind = KINDS[entry.detail?.kind ?? 0] ?? 'other';
    const seen = collections.get(kind) ?? { count: 0, ms: 0 };
    collections.set(kind, { count: seen.count + 1, ms: seen.ms + entry.duration });
  }
});

const { ledger } = soakLedger(EVENTS);
const model = initialState();
observer.observe({ entryTypes: ['gc'] });
const started = performance.now();
const now = Date.now();
for (const event of ledger) {
  evolve(model, event);
  const history = measureAsOf(model, measureIdOf(event), model.position)!;
  history.subjectFactAt('m0-s1', now);
  history.scopeCategoriesAt(now);
  history.exemptUnionAt(now, 'm0-s1');
}
const elapsed = performance.now() - started;
// Entries arrive after the work: let them through before reading.
await new Promise((resolve) => setTimeout(resolve, 100));
observer.disconnect();
console.log(`read after write, ${machine()}: ${EVENTS} events in 10 measures`);
console.log(`folded with a read after each write in ${round(elapsed, 0)} ms`);
for (const [kind, { count, ms }] of collections) console.log(`  ${kind} collections: ${count}, ${round(ms, 0)} ms`);
