/**
 * Subscriber state in its own SQLite file beside the ledger's (`subscribers.db`),
 * so the ledger file holds the regulatory log and nothing else. Each endpoint
 * is one JSON row, rewritten whole: state changes are rare next to deliveries.
 */
import Database from 'better-sqlite3';
import type { Database as Connection } from 'better-sqlite3';
import {
  ATTEMPTS_KEPT,
  type DeliveryAttempt,
  type SubscriberStateStore,
  type WebhookEndpoint,
} from './subscriber-state.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS webhook_endpoints (id TEXT PRIMARY KEY, created_seq INTEGER NOT NULL, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS webhook_attempts (seq INTEGER PRIMARY KEY AUTOINCREMENT, endpoint_id TEXT NOT NULL, attempt TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS webhook_attempts_by_endpoint ON webhook_attempts (endpoint_id, seq);
CREATE TABLE IF NOT EXISTS consumers (name TEXT PRIMARY KEY, position TEXT NOT NULL, acknowledged_at TEXT NOT NULL);
`;

export class SqliteSubscriberState implements SubscriberStateStore {
  private readonly db: Connection;

  /** `:memory:` for a ledger held in memory. */
  constructor(readonly path: string) {
    this.db = new Database(path);
    this.db.pragma('busy_timeout = 10000');
    if (path !== ':memory:') {
      this.db.pragma('journal_mode = WAL');
      // Unlike the ledger's, a cursor update lost to a power cut costs only a message sent again (at-least-once).
      this.db.pragma('synchronous = NORMAL');
    }
    this.db.exec(SCHEMA);
  }

  async saveEndpoint(endpoint: WebhookEndpoint): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO webhook_endpoints (id, created_seq, state) VALUES (?, (SELECT COALESCE(MAX(created_seq), 0) + 1 FROM webhook_endpoints), ?)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state`,
      )
      .run(endpoint.id, JSON.stringify(endpoint));
  }

  async endpoint(id: string): Promise<WebhookEndpoint | undefined> {
    const row = this.db.prepare('SELECT state FROM webhook_endpoints WHERE id = ?').get(id) as
      { state: string } | undefined;
    return row ? (JSON.parse(row.state) as WebhookEndpoint) : undefined;
  }

  async endpoints(): Promise<WebhookEndpoint[]> {
    const rows = this.db.prepare('SELECT state FROM webhook_endpoints ORDER BY created_seq').all() as {
      state: string;
    }[];
    return rows.map((row) => JSON.parse(row.state) as WebhookEndpoint);
  }

  async deleteEndpoint(id: string): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM webhook_endpoints WHERE id = ?').run(id);
      this.db.prepare('DELETE FROM webhook_attempts WHERE endpoint_id = ?').run(id);
    })();
  }

  async recordAttempt(attempt: DeliveryAttempt, endpoint: WebhookEndpoint): Promise<boolean> {
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
  }

  async attempts(endpointId: string, limit: number): Promise<DeliveryAttempt[]> {
    const rows = this.db
      .prepare('SELECT attempt FROM webhook_attempts WHERE endpoint_id = ? ORDER BY seq DESC LIMIT ?')
      .all(endpointId, limit) as { attempt: string }[];
    return rows.map((row) => JSON.parse(row.attempt) as DeliveryAttempt);
  }

  async consumerPosition(name: string): Promise<bigint | undefined> {
    const row = this.db.prepare('SELECT position FROM consumers WHERE name = ?').get(name) as
      { position: string } | undefined;
    return row ? BigInt(row.position) : undefined;
  }

  async acknowledge(name: string, position: bigint): Promise<bigint> {
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
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
