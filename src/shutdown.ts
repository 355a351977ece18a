/**
 * Stopping the server on SIGTERM or SIGINT: stop accepting connections, end
 * every change stream with a last `shutdown` message, let requests in flight
 * (a command being applied) finish and be answered, then close the
 * application and the store. Whatever the clients do, the connections still
 * open when the budget runs out are closed, so the whole takes a bounded time.
 */
import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { SSE_OPTIONS, type SseOptions } from './changes/sse-writer.js';
import type { EventStore } from './event-store/event-store.js';

export interface ShutdownResult {
  /** Connections that were still open when the budget ran out, and were closed. */
  forcedConnections: boolean;
}

export async function shutDown(app: INestApplication, store: EventStore, budgetMs: number): Promise<ShutdownResult> {
  const server = app.getHttpServer() as Server;
  const allClosed = new Promise<void>((resolve) => server.close(() => resolve()));
  void app.get<SseOptions>(SSE_OPTIONS).connections?.shutdown();
  // A keep-alive connection is closed as soon as its request in flight has been answered.
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  let timer: NodeJS.Timeout | undefined;
  const outOfTime = new Promise<true>((resolve) => (timer = setTimeout(() => resolve(true), budgetMs)));
  const forcedConnections = await Promise.race([allClosed.then(() => false as const), outOfTime]);
  clearInterval(sweep);
  clearTimeout(timer);
  if (forcedConnections) server.closeAllConnections();
  await app.close();
  await store.close();
  return { forcedConnections };
}
