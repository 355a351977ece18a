/**
 * A resume id of the effective feed is read only as the server writes it:
 * `<time>-<kind>-<position>-<subject>`, numbers without leading zeros, the
 * subject an id or `~` (every subject); only an instant cursor, as the start
 * `0-1-0-` is, may name none.
 * Anything else was never sent by a feed (a typo, a hand-made id) and is
 * refused with the rule, never read as some other place in the feed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { keyId, parseKeyId } from '../../src/changes/effective-feed.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';

const malformed = [
  '0-0-0-', // a record cursor naming no subject
  '5-0-3-', // likewise, later
  '00-0-0-~', // a leading zero in the time
  '0-0-01-acme', // ... in the position
  '01-1-0-acme',
];

describe('changes/resume-id-format', () => {
  it('reads back every id the server writes, and the start', () => {
    for (const key of [
      { time: 0, kind: 0, position: 0n, subject: '~' },
      { time: 1_577_836_800_000, kind: 1, position: 42n, subject: 'acme-sub.1' },
      { time: 8.64e15, kind: 0, position: 10n ** 29n, subject: 'x' },
    ] as const)
      expect(parseKeyId(keyId(key))).toEqual(key);
    expect(parseKeyId('0-1-0-')).toEqual({ time: 0, kind: 1, position: 0n, subject: '' });
    expect(parseKeyId('7-1-2-')).toEqual({ time: 7, kind: 1, position: 2n, subject: '' });
  });

  it.each(malformed)('refuses %s as not a resume id', (id) => {
    expect(() => parseKeyId(id)).toThrow(
      expect.objectContaining({ details: [expect.objectContaining({ rule: 'isResumeId' })] }),
    );
  });

  describe('over HTTP', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(async () => {
      await t.close();
    });

    it('answers 400 isResumeId, naming the field, to a malformed after= or Last-Event-ID, before any stream starts', async () => {
      for (const id of malformed) {
        const byQuery = await t.http.get(`/v1/changes/effective?after=${encodeURIComponent(id)}`).set(bearer('reader'));
        expect({ id, status: byQuery.status }).toEqual({ id, status: 400 });
        expect(byQuery.body.details).toEqual([expect.objectContaining({ field: 'after', rule: 'isResumeId' })]);
        const byHeader = await t.http.get('/v1/changes/effective').set(bearer('reader')).set('Last-Event-ID', id);
        expect({ id, status: byHeader.status }).toEqual({ id, status: 400 });
        expect(byHeader.body.details).toEqual([expect.objectContaining({ rule: 'isResumeId' })]);
      }
    });
  });
});
