/**
 * Stream tickets behind a load balancer: a ticket issued by one instance opens
 * the feed on another (no sticky sessions, LEDGER_WORKERS above 1), once per
 * instance; a forged, tampered, expired or foreign-secret ticket opens nothing.
 * A request refused before its stream opens (a bad parameter) keeps its ticket.
 * The secret is LEDGER_TICKET_SECRET, or one file in the data directory that
 * every instance sharing it reads.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { createHttpApp } from '../../src/app.js';
import { ApiKeys, sha256Hex } from '../../src/auth/api-keys.js';
import { StreamTickets, TICKET_TTL_MS } from '../../src/auth/stream-tickets.js';
import { TICKET_SECRET_FILE, ticketSecret } from '../../src/auth/ticket-secret.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { bearer, KEYS } from '../support/http-app.js';
import { SseConnection } from '../support/sse-client.js';
import { tempDir } from '../support/temp-dir.js';

const reader = { name: 'reader-key', role: 'reader' as const };

describe('auth/stream-tickets-across-instances', () => {
  describe('two instances of one ledger', () => {
    let store: SqliteEventStore;
    const apps: INestApplication[] = [];
    const bases: string[] = [];
    let now = Date.parse('2026-11-30T00:00:00Z');

    beforeAll(async () => {
      store = new SqliteEventStore(':memory:');
      const config = loadConfig({ LEDGER_DEMO: 'off', LEDGER_DATA_DIR: '/nonexistent' });
      const apiKeys = new ApiKeys(
        Object.entries(KEYS).map(([role, key]) => ({
          name: `${role}-key`,
          role: role as keyof typeof KEYS,
          sha256: sha256Hex(key),
        })),
      );
      const secret = Buffer.from('the same secret on every instance of this ledger');
      for (let i = 0; i < 2; i++) {
        const app = await createHttpApp(config, store, apiKeys, {
          logLevels: false,
          tickets: new StreamTickets(() => now, TICKET_TTL_MS, secret),
        });
        await app.listen(0, '127.0.0.1');
        apps.push(app);
        bases.push(`http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`);
      }
    });
    afterAll(async () => {
      SseConnection.closeAll();
      for (const app of apps) await app.close();
      await store.close();
    });

    const ticketFrom = async (instance: number) =>
      (
        (await request(apps[instance]!.getHttpServer()).post('/v1/changes/tickets').set(bearer('reader')).expect(201))
          .body as { ticket: string }
      ).ticket;
    const openOn = async (instance: number, ticket: string) => {
      const stream = await SseConnection.open(`${bases[instance]}/v1/changes?after=0&ticket=${ticket}`, {});
      stream.close();
      return stream.status;
    };

    it('a ticket one instance issued opens the feed on the other, once there', async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const ticket = await ticketFrom(0);
        expect(await openOn(1, ticket)).toBe(200);
        expect(await openOn(1, ticket)).toBe(401);
      }
      expect(await openOn(0, await ticketFrom(1))).toBe(200);
    });

    it('a request refused with an error keeps its ticket usable; the one that opens its stream spends it', async () => {
      const refusals: [string, Record<string, string>][] = [
        ['/v1/changes?after=abc', {}],
        ['/v1/changes?after=9999', {}],
        ['/v1/changes?after=0&colour=red', {}],
        ['/v1/changes?after=', {}],
        ['/v1/changes?consumer=Not%20A%20Name', {}],
        ['/v1/changes', { 'Last-Event-ID': 'x' }],
        ['/v1/changes/effective?after=not-an-id', {}],
        ['/v1/changes/effective?subject=Bad%20Id', {}],
      ];
      for (const feed of ['/v1/changes?after=0', '/v1/changes/effective?after=0']) {
        const ticket = await ticketFrom(0);
        for (const [path, headers] of refusals) {
          const stream = await SseConnection.open(
            `${bases[1]}${path}${path.includes('?') ? '&' : '?'}ticket=${ticket}`,
            headers,
          );
          stream.close();
          expect([path, stream.status]).toEqual([path, 400]);
        }
        expect(
          await SseConnection.open(`${bases[1]}${feed}&ticket=${ticket}`, {}).then((s) => (s.close(), s.status)),
        ).toBe(200);
        expect(await openOn(1, ticket)).toBe(401);
      }
    });

    it('refuses a ticket whose claims were changed, one made with another secret, and an expired one', async () => {
      const ticket = await ticketFrom(0);
      const [payload, mac] = ticket.slice('rlt_'.length).split('.') as [string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const forged = Buffer.from(JSON.stringify({ ...claims, r: 'admin', e: now + 86_400_000 })).toString('base64url');
      expect(await openOn(1, `rlt_${forged}.${mac}`)).toBe(401);
      const foreign = new StreamTickets(() => now, TICKET_TTL_MS, Buffer.from('another ledger entirely, other secret'));
      expect(await openOn(1, foreign.issue(reader).ticket)).toBe(401);
      expect(await openOn(1, 'rlt_not-a-ticket')).toBe(401);
      const late = await ticketFrom(0);
      now += TICKET_TTL_MS + 1;
      expect(await openOn(1, late)).toBe(401);
      expect(await openOn(1, ticket)).toBe(401);
    });
  });

  describe('the secret', () => {
    it('is made once in the data directory (mode 0600) and read back by every instance sharing it', () => {
      const dir = tempDir();
      try {
        const first = ticketSecret({ dataDir: dir.path });
        const second = ticketSecret({ dataDir: dir.path });
        expect(second.equals(first)).toBe(true);
        const path = join(dir.path, TICKET_SECRET_FILE);
        expect(readFileSync(path, 'utf8').trim().length).toBeGreaterThanOrEqual(32);
        expect(statSync(path).mode & 0o777).toBe(0o600);
        const a = new StreamTickets(Date.now, TICKET_TTL_MS, first);
        const b = new StreamTickets(Date.now, TICKET_TTL_MS, second);
        expect(b.redeem(a.issue(reader).ticket)).toEqual(reader);
        // A file that holds no usable secret stops start-up naming it, rather than signing with it.
        writeFileSync(path, 'short\n');
        expect(() => ticketSecret({ dataDir: dir.path })).toThrow(ConfigError);
        expect(() => ticketSecret({ dataDir: dir.path })).toThrow(`${path} holds no usable secret`);
      } finally {
        dir.remove();
      }
    });

    it('is LEDGER_TICKET_SECRET when set (32 characters or more), and nothing is written then', () => {
      const value = 'x'.repeat(40);
      const config = loadConfig({ LEDGER_TICKET_SECRET: value, LEDGER_DATA_DIR: '/nonexistent/ledger' });
      expect(ticketSecret(config).toString()).toBe(value);
      expect(() => loadConfig({ LEDGER_TICKET_SECRET: 'short' })).toThrow(ConfigError);
      expect(() => loadConfig({ LEDGER_TICKET_SECRET: 'short' })).toThrow(/^LEDGER_TICKET_SECRET: must be at least 32/);
    });
  });
});
