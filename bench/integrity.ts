/**
 * Tamper-evidence benchmark on synthetic ledgers (bench/generate-ledger.ts,
 * hashed and chained as the ledger writes them) in the embedded store:
 * `verify` throughput (every hash, every chain, the whole Merkle tree), the
 * server's tree build from the stored hashes, the
 * cost of inclusion and consistency proofs once the tree is built, and the
 * heap the tree and its index take per event.
 *
 *   npm run bench:integrity            # 10k, 100k and 1M events
 *   npm run bench:integrity -- --quick # 10k and 100k events
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { foldIntegrity, LogIntegrity, verifyLog } from '../src/integrity/log-integrity.js';
import { benchSizes, generateLedger, random } from './generate-ledger.js';
import { machine, percentile, round, writeStore } from './lib.js';

const quick = process.argv.includes('--quick');
const SIZES = benchSizes(quick);
const PROOFS = 10_000;

function timeEach(count: number, operation: (i: number) => void) {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    operation(i);
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { p50: round(percentile(samples, 50), 4), p99: round(percentile(samples, 99), 4) };
}

console.log(`# Tamper evidence on ${machine()}; SQLite store, WAL\n`);
console.log(
  '| events | verify events/s | verify s | server tree build events/s | inclusion proof p50 / p99 ms | consistency proof p50 / p99 ms | heap bytes/event (tree + index) |',
);
console.log('|---|---|---|---|---|---|---|');
for (const size of SIZES) {
  const dir = mkdtempSync(join(tmpdir(), 'regledger-bench-integrity-'));
  try {
    const path = join(dir, 'ledger.db');
    writeStore(path, generateLedger(size));
    const store = new SqliteEventStore(path);
    const started = performance.now();
    const outcome = await verifyLog(store);
    const seconds = (performance.now() - started) / 1000;
    if (!outcome.ok) throw new Error(`the fixture does not verify: ${outcome.problem.problem}`);
    const n = outcome.digest.treeSize;

    globalThis.gc?.();
    const before = process.memoryUsage().heapUsed;
    const treeStarted = performance.now();
    // As the server builds it: from the stored hashes.
    const integrity = await foldIntegrity(store, new LogIntegrity(false));
    const treeSeconds = (performance.now() - treeStarted) / 1000;
    globalThis.gc?.();
    const heapPerEvent = Math.round((process.memoryUsage().heapUsed - before) / n);
    const rnd = random(3);
    const inclusion = timeEach(PROOFS, () => integrity.tree.inclusionProof(Math.floor(rnd() * n), n));
    const consistency = timeEach(PROOFS, () => integrity.tree.consistencyProof(1 + Math.floor(rnd() * (n - 1)), n));
    console.log(
      `| ${n.toLocaleString('en')} | ${Math.round(n / seconds).toLocaleString('en')} | ${round(seconds, 2)} | ${Math.round(n / treeSeconds).toLocaleString('en')} | ${inclusion.p50} / ${inclusion.p99} | ${consistency.p50} / ${consistency.p99} | ${heapPerEvent} |`,
    );
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
