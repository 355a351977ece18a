/**
 * Commands on the EventStoreDB adapter, against the wire-level test server
 * (an in-memory EventStoreDB speaking the real gRPC protocol, in this process):
 * commands/s sequential and 16 at once, and the gRPC calls each command costs,
 * by method. The server does no disk work, so the figures are the adapter's
 * and the client's own cost, and its round trips: a real cluster adds its
 * commit latency to each of them.
 *
 *   npm run bench -- --eventstoredb [--quick]
 */
import { EventStoreDbEventStore } from '../src/event-store/eventstoredb/eventstoredb-event-store.js';
import { CommandExecutor } from '../src/ledger/command-executor.js';
import { EventStoreWireServer } from '../test/support/esdb-wire/server.js';
import { machine, timedWorkers } from './lib.js';

const imposition = (m: number) => ({
  type: 'ImposeRestriction' as const,
  measureId: `m${m}`,
  title: 't',
  jurisdiction: 'US',
  authority: 'BIS',
  subjects: ['s0'],
  categories: ['exports'],
  effectiveFrom: '2019-01-01T00:00:00.000Z',
});

async function run(workers: number, count: number) {
  const server = await new EventStoreWireServer().start();
  const store = await EventStoreDbEventStore.connect(server.connectionString, { retryDelayMs: 10 });
  const executor = new CommandExecutor(store);
  const measures = Math.max(16, Math.ceil(count / 10));
  for (let m = 0; m < measures; m++) await executor.execute({ command: imposition(m) }, { actor: 'bench' });
  const before = new Map(server.calls);
  const summary = await timedWorkers(workers, count, (i) =>
    executor.execute(
      {
        command: {
          type: 'AddSubjects',
          measureId: `m${i % measures}`,
          subjects: [`s${i}`],
          effectiveFrom: '2019-01-01T00:00:00.000Z',
        },
      },
      { actor: 'bench' },
    ),
  );
  const perCommand = [...server.calls]
    .map(([method, n]) => [method, (n - (before.get(method) ?? 0)) / count] as const)
    .filter(([, n]) => n > 0)
    .map(([method, n]) => `${method} ${n.toFixed(2)}`)
    .join(', ');
  await store.close();
  await server.stop();
  return { ...summary, perCommand };
}

export async function eventStoreDbWrites(quick: boolean): Promise<void> {
  const count = quick ? 300 : 2000;
  console.log(`EventStoreDB adapter on the wire-level test server, ${count} single-event commands; ${machine()}`);
  console.log('| writers | commands/s | p50 ms | p99 ms | gRPC calls per command |');
  console.log('|---|---|---|---|---|');
  for (const workers of [1, 16]) {
    const r = await run(workers, count);
    console.log(
      `| ${workers} | ${Math.round(r.eventsPerSecond)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.perCommand} |`,
    );
  }
}
