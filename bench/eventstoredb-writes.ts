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
import { machine } from './lib.js';
import { timedCommands } from './writes.js';

async function run(workers: number, count: number) {
  const server = await new EventStoreWireServer().start();
  const store = await EventStoreDbEventStore.connect(server.connectionString, { retryDelayMs: 10 });
  let before = new Map<string, number>();
  const summary = await timedCommands(
    new CommandExecutor(store),
    workers,
    count,
    () => (before = new Map(server.calls)),
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
