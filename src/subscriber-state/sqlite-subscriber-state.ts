/**
 * Subscriber state in its own SQLite file beside the ledger's (`subscribers.db`),
 * so the ledger file holds the regulatory log and nothing else. Each endpoint
 * is one JSON row, rewritten whole: state changes are rare next to deliveries.
 */
import type { Database as Connection } from 'better-sqlite3';
import { onStorage } from '../event-store/sqlite/sqlite-failures.js';
import { openSubscribersFile } from './open-subscribers-file.js';
import {
  ATTEMPTS_KEPT,
  type DeliveryAttempt,
  type SubscriberStateStore,
  type WebhookEndpoint,
} from './subscriber-state.js';

export class SqliteSubscriberState implements SubscriberStateStore {
  private readonly db: Connection;

  /** `:memory:` for a ledger held in memory. */
  constructor(readonly path: string) {
    this.db = openSubscribersFile(path);
  }

  /** SQLite's errors become storage failures naming this file: a full disk answers 507, a damaged file 503. */
  private onFile<T>(work: () => T): T {
    return onStorage(this.path, work);
  }

  /** A PRAGMA on this file (operations and tests: max_page_count stands in for a full disk). */
  pragma(statement: string): unknown {
    return this.db.pragma(statement);
  }

  async saveEndpoint(endpoint: WebhookEndpoint): Promise<void> {
    return this.onFile(() => {
      this.db
        .prepare(
          `INSERT INTO webhook_endpoints (id, created_seq, state) VALUES (?, (SELECT COALESCE(MAX(created_seq), 0) + 1 FROM webhook_endpoints), ?)
           ON CONFLICT (id) DO UPDATE SET state = excluded.state`,
        )
        .run(endpoint.id, JSON.stringify(endpoint));
    });
  }

  async endpoint(id: string): Promise<WebhookEndpoint | undefined> {
    return this.onFile(() => {
      const row = this.db.prepare('SELECT state FROM webhook_endpoints WHERE id = ?').get(id) as
        { state: string } | undefined;
      return row ? (JSON.parse(row.state) as WebhookEndpoint) : undefined;
    });
  }

  async endpoints(): Promise<WebhookEndpoint[]> {
    return this.onFile(() => {
      const rows = this.db.prepare('SELECT state FROM webhook_endpoints ORDER BY created_seq').all() as {
        state: string;
      }[];
      return rows.map((row) => JSON.parse(row.state) as WebhookEndpoint);
    });
  }

  async deleteEndpoint(id: string): Promise<void> {
    return this.onFile(() => {
      this.db.transaction(() => {
        this.db.prepare('DELETE FROM webhook_endpoints WHERE id = ?').run(id);
        this.db.prepare('DELETE FROM webhook_attempts WHERE endpoint_id = ?').run(id);
      })();
    });
  }

  async recordAttempt(attempt: DeliveryAttempt, endpoint: WebhookEndpoint): Promise<boolean> {
    return this.onFile(() => {
      return this.db
        .transaction(() => {
          const row = this.db.prepare('SELECT state FROM webhook_endpoints WHERE id = ?').get(endpoint.id) as
            { state: string } | undefined;
          if (!row || ((JSON.parse(row.state) as WebhookEndpoint).generation ?? 0) !== (endpoint.generation ?? 0))
            return false;
          this.db
            .prepare('UPDATE webhook_endpoints SET state = ? WHERE id = ?')
            .run(JSON.stringify(endpoint), endpoint.id);
          this.db
            .prepare('INSERT INTO webhook_attempts (endpoint_id, attempt) VALUES (?, ?)')
            .run(attempt.endpointId, JSON.stringify(attempt));
          this.db
            .prepare(
              'DELETE FROM webhook_attempts WHERE endpoint_id = ? AND seq <= (SELECT seq FROM webhook_attempts WHERE endpoint_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)',
            )
            .run(attempt.endpointId, attempt.endpointId, ATTEMPTS_KEPT);
          return true;
        })
        .immediate();
    });
  }

  async attempts(endpointId: string, limit: number): Promise<DeliveryAttempt[]> {
    return this.onFile(() => {
      const rows = this.db
        .prepare('SELECT attempt FROM webhook_attempts WHERE endpoint_id = ? ORDER BY seq DESC LIMIT ?')
        .all(endpointId, limit) as { attempt: string }[];
      return rows.map((row) => JSON.parse(row.attempt) as DeliveryAttempt);
    });
  }

  async consumerPosition(name: string): Promise<bigint | undefined> {
    return this.onFile(() => {
      const row = this.db.prepare('SELECT position FROM consumers WHERE name = ?').get(name) as
        { position: string } | undefined;
      return row ? BigInt(row.position) : undefined;
    });
  }

  async acknowledge(name: string, position: bigint): Promise<bigint> {
    return this.onFile(() => {
      return this.db
        .transaction(() => {
          const row = this.db.prepare('SELECT position FROM consumers WHERE name = ?').get(name) as
            { position: string } | undefined;
          if (row && BigInt(row.position) >= position) return BigInt(row.position);
          this.db
            .prepare(
              'INSERT INTO consumers (name, position, acknowledged_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position, acknowledged_at = excluded.acknowledged_at',
            )
            .run(name, position.toString(), new Date().toISOString());
          return position;
        })
        .immediate();
    });
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
