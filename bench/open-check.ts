/**
 * What checking the embedded store's file at start-up costs: the whole open
 * (header, PRAGMA quick_check, schema) against SQLite's fuller
 * integrity_check, which also compares every index with its table. The open
 * runs quick_check; this is the figure that chose it.
 *
 *   npm run build && node dist/bench/open-check.js            # 10k, 100k and 1M events
 *   npm run build && node dist/bench/open-check.js --quick    # 10k and 100k events
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { benchSizes, generateLedger } from './generate-ledger.js';
import { machine, spread, writeStore } from './lib.js';

const RUNS = 3;

function timed(work: () => void): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

console.log(
  `# Checking the ledger file at open, on ${machine()}; median (min–max) ms of ${RUNS} runs, page cache warm\n`,
);
console.log('| events | file MB | open (quick_check + schema) ms | quick_check alone ms | integrity_check ms |');
console.log('|---|---|---|---|---|');
for (const size of benchSizes(process.argv.includes('--quick'))) {
  const dir = mkdtempSync(join(tmpdir(), 'regledger-bench-open-'));
  try {
    const path = join(dir, 'ledger.db');
    const ledger = generateLedger(size);
    writeStore(path, ledger);
    const open: number[] = [];
    const quick: number[] = [];
    const full: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      open.push(timed(() => void new SqliteEventStore(path).close()));
      const db = new Database(path, { readonly: true });
      quick.push(timed(() => db.pragma('quick_check')));
      full.push(timed(() => db.pragma('integrity_check')));
      db.close();
    }
    const show = (values: number[]) => {
      const s = spread(values);
      return `${Math.round(s.median)} (${Math.round(s.min)}–${Math.round(s.max)})`;
    };
    const mb = (statSync(path).size / 2 ** 20).toFixed(0);
    console.log(`| ${ledger.length.toLocaleString('en')} | ${mb} | ${show(open)} | ${show(quick)} | ${show(full)} |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
