/**
 * Prometheus metrics (`GET /metrics`), one registry per application: the
 * process and Node defaults, HTTP request durations by route, commands by
 * type and outcome, appends, and gauges read at scrape time from the read
 * model, the store, the change streams and the integrity tree.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FeedName, SseConnections } from '../changes/sse-writer.js';
import type { EventStore } from '../event-store/event-store.js';
import type { CommandExecutor } from '../ledger/command-executor.js';
import { isTransactional } from '../event-store/write-transaction.js';

/** What the scrape-time gauges read (structural, so this module needs no Nest service). */
export interface MetricSources {
  store: EventStore;
  readModel: { readonly position: bigint };
  connections?: SseConnections;
  integrityTreeSize?: () => Promise<number>;
}

const FEEDS: FeedName[] = ['ledger', 'effective'];
const INSTRUMENTED = Symbol('regledger.metrics');

export class LedgerMetrics {
  readonly registry = new Registry();
  private readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  private readonly commands: Counter<'type' | 'outcome'>;
  private readonly appends: Counter;
  private readonly events: Counter;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests by method, route (the route pattern; "unmatched" when no route served it) and status, until the response ended',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.commands = new Counter({
      name: 'regledger_commands_total',
      help: 'Commands executed, by type and outcome (applied, repeated, or the error kind)',
      labelNames: ['type', 'outcome'],
      registers,
    });
    this.appends = new Counter({
      name: 'regledger_appends_total',
      help: 'Appends to the store made by this process',
      registers,
    });
    this.events = new Counter({
      name: 'regledger_events_appended_total',
      help: 'Events appended to the store by this process',
      registers,
    });

    const gauges: [string, string, () => Promise<number | undefined>][] = [
      [
        'regledger_log_head_position',
        "The log's newest position",
        async () => Number(await sources.store.headPosition()),
      ],
      [
        'regledger_read_model_position',
        'The position the read model has folded in',
        async () => Number(sources.readModel.position),
      ],
      [
        'regledger_read_model_lag_events',
        'Events recorded but not yet folded into the read model',
        async () => Math.max(0, Number((await sources.store.headPosition()) - sources.readModel.position)),
      ],
      [
        'regledger_integrity_tree_size',
        'Leaves of the Merkle tree over the log',
        async () => sources.integrityTreeSize?.(),
      ],
    ];
    for (const [name, help, read] of gauges) {
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          // A store that cannot answer leaves the gauge out of this scrape rather than failing the scrape.
          const value = await read().catch(() => undefined);
          if (value !== undefined) this.set(value);
          else this.reset();
        },
      });
    }
    new Gauge({
      name: 'regledger_sse_connections',
      help: 'Open change-feed streams, by feed',
      labelNames: ['feed'],
      registers,
      collect() {
        for (const feed of FEEDS) this.set({ feed }, sources.connections?.count(feed) ?? 0);
      },
    });
    new Counter({
      name: 'regledger_sse_cut_offs_total',
      help: 'Change-feed clients cut off because they stopped reading, by feed',
      labelNames: ['feed'],
      registers,
      collect() {
        this.reset();
        for (const feed of FEEDS) this.inc({ feed }, sources.connections?.cutOffs(feed) ?? 0);
      },
    });
  }

  /** A Fastify onRequest hook timing every request until its response ends (or its client goes). */
  httpTiming() {
    return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
      const end = this.httpDuration.startTimer();
      reply.raw.once('close', () => {
        end({ method: request.method, route: routeOf(request), status_code: String(reply.raw.statusCode) });
      });
      done();
    };
  }

  /** Counts appends and their events; the store is wrapped in place, once. */
  instrumentStore(store: EventStore): void {
    const marked = store as EventStore & { [INSTRUMENTED]?: boolean };
    if (marked[INSTRUMENTED]) return;
    marked[INSTRUMENTED] = true;
    const append = store.append.bind(store);
    store.append = async (streamId, events, expected) => {
      const result = await append(streamId, events, expected);
      this.appends.inc();
      this.events.inc(events.length);
      return result;
    };
    if (!isTransactional(store)) return;
    // A pipelined batch or import appends inside a write transaction, not through append.
    const inWriteTransaction = store.inWriteTransaction.bind(store);
    store.inWriteTransaction = async (work) => {
      let appends = 0;
      let events = 0;
      const result = await inWriteTransaction((tx) =>
        work({
          readStream: (streamId, fromRevision) => tx.readStream(streamId, fromRevision),
          streamRevision: (streamId) => tx.streamRevision(streamId),
          append: (streamId, toAppend, expected) => {
            const appended = tx.append(streamId, toAppend, expected);
            appends++;
            events += toAppend.length;
            return appended;
          },
        }),
      );
      // Counted once committed: a transaction that failed wrote nothing.
      this.appends.inc(appends);
      this.events.inc(events);
      return result;
    };
  }

  /**
   * Counts every command the executor runs, by type and outcome: alone (the
   * bus, the CLI) or in a chunk of a pipelined batch or import.
   */
  instrumentCommands(executor: Pick<CommandExecutor, 'execute' | 'executeChunk'>): void {
    const execute = executor.execute.bind(executor);
    executor.execute = async (parsed, context) => {
      const type = parsed.command.type;
      try {
        const outcome = await execute(parsed, context);
        this.commands.inc({ type, outcome: outcome.repeated ? 'repeated' : 'applied' });
        return outcome;
      } catch (error) {
        this.commands.inc({ type, outcome: String((error as { kind?: string }).kind ?? 'failed') });
        throw error;
      }
    };
    const executeChunk = executor.executeChunk.bind(executor);
    executor.executeChunk = async (commands, start, context, limits) => {
      const chunk = await executeChunk(commands, start, context, limits);
      // The command a chunk stops before runs alone afterwards, and is counted there.
      chunk.outcomes.forEach((outcome, i) =>
        this.commands.inc({
          type: commands[start + i]!.command.type,
          outcome: outcome.repeated ? 'repeated' : 'applied',
        }),
      );
      return chunk;
    };
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** The route pattern the router matched (bounded cardinality), never the raw path; Nest's 404 handler is no route. */
function routeOf(request: FastifyRequest): string {
  const pattern = request.routeOptions.url;
  return typeof pattern === 'string' && !request.is404 ? pattern : 'unmatched';
}
