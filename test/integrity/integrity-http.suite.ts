/**
 * The integrity endpoints, checked the way a third party would: proofs from
 * the ledger, verified with an RFC 9162 verifier written in the test.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import { readFileSync } from 'node:fs';
import { DEMO_FILE } from '../../src/package-root.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';
import { leaf, verifyConsistency, verifyInclusion } from '../support/rfc9162.js';

describe('integrity/integrity-http', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await t.http
      .post('/v1/commands/batch')
      .set(bearer('writer'))
      .send(JSON.parse(readFileSync(DEMO_FILE, 'utf8')))
      .expect(200);
  });
  afterAll(async () => t.close());

  const get = async (path: string, status = 200) => (await t.http.get(path).set(bearer('reader')).expect(status)).body;
  const hex = (h: string) => Buffer.from(h, 'hex');

  describe('GET /v1/integrity/digest and the proofs', () => {
    it('covers every event, each with an inclusion proof that verifies against the digest', async () => {
      const events = (await t.store.readAll()).map((e) => e.eventId);
      const digest = await get('/v1/integrity/digest');
      expect(digest).toMatchObject({ treeSize: events.length, rootHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      for (const [index, eventId] of events.entries()) {
        const proof = await get(`/v1/events/${eventId}/proof`);
        expect(proof).toMatchObject({ eventId, leafIndex: index, treeSize: events.length, rootHash: digest.rootHash });
        const leafHash = leaf(Buffer.from(canonicalize(proof.leaf)!, 'utf8'));
        expect(verifyInclusion(index, events.length, leafHash, proof.auditPath.map(hex), hex(digest.rootHash))).toBe(
          true,
        );
        // The same proof does not hold for a leaf that says anything else.
        const altered = leaf(
          Buffer.from(canonicalize({ ...proof.leaf, recordedAt: '2019-01-01T00:00:00.000Z' })!, 'utf8'),
        );
        expect(verifyInclusion(index, events.length, altered, proof.auditPath.map(hex), hex(digest.rootHash))).toBe(
          false,
        );
      }
    });

    it('proves that a later tree extends an earlier one', async () => {
      const before = await get('/v1/integrity/digest');
      await t.http
        .post('/v1/commands')
        .set(bearer('writer'))
        .send({
          type: 'AddSubjects',
          measureId: 'us-ear-entity-list-huawei',
          subjects: ['another-affiliate'],
          effectiveFrom: '2020-01-01',
        })
        .expect(201);
      const after = await get('/v1/integrity/digest');
      expect(after.treeSize).toBe(before.treeSize + 1);
      const { proof, from, to } = await get(`/v1/integrity/consistency?from=${before.treeSize}&to=${after.treeSize}`);
      expect(from).toMatchObject({ treeSize: before.treeSize, rootHash: before.rootHash });
      expect(to).toMatchObject({ treeSize: after.treeSize, rootHash: after.rootHash });
      expect(
        verifyConsistency(before.treeSize, after.treeSize, hex(before.rootHash), hex(after.rootHash), proof.map(hex)),
      ).toBe(true);
      const early = await get(`/v1/integrity/consistency?from=3`);
      expect(
        verifyConsistency(3, after.treeSize, hex(early.from.rootHash), hex(after.rootHash), early.proof.map(hex)),
      ).toBe(true);
      // A proof for an older tree size verifies against that size's root.
      const [first] = await t.store.readAll({ maxCount: 1 });
      const old = await get(`/v1/events/${first!.eventId}/proof?treeSize=${before.treeSize}`);
      expect(
        verifyInclusion(
          0,
          before.treeSize,
          leaf(Buffer.from(canonicalize(old.leaf)!, 'utf8')),
          old.auditPath.map(hex),
          hex(before.rootHash),
        ),
      ).toBe(true);
    });

    it('covers every acknowledged write, with digests asked for concurrently', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const { body } = await t.http
            .post('/v1/commands')
            .set(bearer('writer'))
            .send({
              type: 'AddSubjects',
              measureId: 'us-ear-entity-list-huawei',
              subjects: [`concurrent-${i}`],
              effectiveFrom: '2020-02-01',
            })
            .expect(201);
          const digest = await get('/v1/integrity/digest');
          return { written: BigInt(body.position), covered: BigInt(digest.position) };
        }),
      );
      for (const { written, covered } of results) expect(covered >= written).toBe(true);
      const events = await t.store.readAll();
      // Each event is one leaf: concurrent catch-ups never fold an event twice.
      expect((await get('/v1/integrity/digest')).treeSize).toBe(events.length);
    });

    it('answers bad sizes with 400 and unknown events with 404', async () => {
      const { treeSize } = await get('/v1/integrity/digest');
      expect((await get(`/v1/integrity/consistency?from=${treeSize + 1}`, 400)).details[0]).toMatchObject({
        field: 'from',
      });
      expect((await get('/v1/integrity/consistency', 400)).details[0]).toMatchObject({ field: 'from' });
      expect((await get('/v1/integrity/consistency?from=x', 400)).details[0]).toMatchObject({ field: 'from' });
      const [first] = await t.store.readAll({ maxCount: 1 });
      expect((await get(`/v1/events/${first!.eventId}/proof?treeSize=0`, 400)).details[0]).toMatchObject({
        field: 'treeSize',
      });
      await get('/v1/events/00000000-0000-4000-8000-000000000000/proof', 404);
      await t.http.get('/v1/integrity/digest').expect(401);
    });
  });
});
