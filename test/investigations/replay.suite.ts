/**
 * Replay and explain over the demo history: each replayed step's before and
 * after are the point-in-time answers at the knowledge the step names, and
 * the diffs say what an investigator needs to hear.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { snapshotOf, type Snapshot } from '../../projections/replay.js';
import { DEMO_FILE } from '../../src/package-root.js';
import { FakeClock } from '../support/fake-clock.js';
import { imposeBody } from '../support/commands.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';

describe('investigations/replay', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ clock: new FakeClock(Date.parse('2026-01-01T00:00:00Z')) });
    await t.http
      .post('/v1/commands/batch')
      .set(bearer('writer'))
      .send(JSON.parse(readFileSync(DEMO_FILE, 'utf8')))
      .expect(200);
  });
  afterAll(async () => t.close());

  const get = async (path: string, status = 200) => (await t.http.get(path).set(bearer('reader')).expect(status)).body;
  /** The state endpoint's answer, reduced as a replay snapshot is. */
  const stateAt = async (subject: string, at: string, asOfPosition: string): Promise<Snapshot> => {
    const state = await get(`/v1/subjects/${subject}/state?at=${encodeURIComponent(at)}&asOfPosition=${asOfPosition}`);
    return snapshotOf(state);
  };

  interface Step {
    position: string;
    type: string;
    before: Snapshot;
    after: Snapshot;
    changes: {
      became: { restricted: { categories: string[] }; exempt: { categories: string[] }; pending: string[] };
      stopped: { restricted: { categories: string[] }; exempt: { categories: string[] }; pending: string[] };
    };
    provenance: { actor?: string; citation?: string; sources?: unknown[] };
    eventId: string | null;
    effectiveAt: string;
    unchanged: boolean;
    causes: { eventId: string; type: string; citation?: string; role: string; position: string }[];
  }

  describe('GET /v1/subjects/{id}/replay', () => {
    it.each(['huawei', 'huawei-affiliate-aug-01'])(
      'in record order, each step is the state as known just before and just after it (%s)',
      async (subject) => {
        const replay = await get(`/v1/subjects/${subject}/replay`);
        const positions = (await t.store.readAll()).map((e) => e.position);
        expect(replay.steps.length).toBeGreaterThan(0);
        for (const step of replay.steps as Step[]) {
          const previous = positions.filter((p) => p < BigInt(step.position)).at(-1) ?? 0n;
          // "Just before" is any bound between the previous event and this one: the same knowledge.
          expect(
            BigInt(step.before.asOfPosition) >= previous && BigInt(step.before.asOfPosition) < BigInt(step.position),
          ).toBe(true);
          expect(step.before).toEqual({
            ...(await stateAt(subject, step.before.at, String(previous))),
            asOfPosition: step.before.asOfPosition,
          });
          expect(step.after).toEqual(await stateAt(subject, step.after.at, step.position));
          expect(step.provenance.actor).toBe('writer-key');
        }
      },
    );

    it('says what each record changed for Huawei, with citations and sources', async () => {
      const steps = (await get('/v1/subjects/huawei/replay')).steps as Step[];
      const [imposed, licence] = steps;
      expect(imposed!.type).toBe('RestrictionImposed');
      expect(imposed!.changes.became.restricted.categories).toEqual(['exports']);
      expect(imposed!.provenance).toMatchObject({
        citation: '84 FR 22961',
        sources: [expect.objectContaining({ publishedAt: expect.any(String) })],
      });
      expect(licence!.type).toBe('ExemptionGranted');
      // The licence's categories leave the restricted set as they become exempt.
      expect(licence!.changes.became.exempt.categories).toContain('exports/existing-handset-support');
      expect(licence!.changes.stopped.restricted.categories).toEqual(licence!.changes.became.exempt.categories);
      expect(licence!.provenance.citation).toBe('84 FR 23468');
      const announced = steps.filter((s) => s.type === 'EasingAnnounced');
      expect(announced.map((s) => s.changes.became.pending.length)).toEqual([1, 1]);
      expect(
        announced.every(
          (s) =>
            s.changes.became.restricted.categories.length === 0 && s.changes.stopped.restricted.categories.length === 0,
        ),
      ).toBe(true);
    });

    it('in valid order, each step is the change in force at its instant, as known now', async () => {
      const replay = await get('/v1/subjects/huawei-affiliate-aug-01/replay?order=valid');
      const head = replay.asOfPosition;
      for (const step of replay.steps as Step[]) {
        const before = new Date(Date.parse(step.after.at) - 1).toISOString();
        expect(step.before).toEqual(await stateAt('huawei-affiliate-aug-01', before, head));
        expect(step.after).toEqual(await stateAt('huawei-affiliate-aug-01', step.after.at, head));
      }
      const added = (replay.steps as Step[]).find((s) => s.causes.some((c) => c.type === 'SubjectsAdded'))!;
      expect(added.after.at).toBe('2019-08-19T00:00:00.000Z');
      expect(added.changes.became.restricted.categories).toEqual(['exports']);
      const ats = (replay.steps as Step[]).map((s) => Date.parse(s.after.at));
      expect(ats).toEqual([...ats].sort((a, b) => a - b));
    });

    it('narrows by from and to, and refuses a bad order', async () => {
      const all = (await get('/v1/subjects/huawei/replay?order=valid')).steps as Step[];
      const summer = (await get('/v1/subjects/huawei/replay?order=valid&from=2019-06-01&to=2019-07-31'))
        .steps as Step[];
      expect(summer.length).toBeGreaterThan(0);
      expect(summer.length).toBeLessThan(all.length);
      expect(summer.every((s) => s.after.at >= '2019-06-01' && s.after.at <= '2019-07-31T23:59:59.999Z')).toBe(true);
      expect((await get('/v1/subjects/huawei/replay?order=sideways', 400)).details[0]).toMatchObject({
        field: 'order',
      });
    });
  });

  describe('the check answer explains itself', () => {
    it('names the measure with its citation, the licence that carves the category out, and the verdict', async () => {
      const check = await get('/v1/subjects/huawei/check?category=exports/existing-handset-support&at=2019-06-30');
      expect(check.status).toBe('not-restricted');
      const kinds = check.explanation.map((s: { kind: string }) => s.kind);
      expect(kinds[0]).toBe('restriction');
      expect(kinds).toContain('exemption');
      expect(kinds).toContain('pending');
      expect(kinds.at(-1)).toBe('verdict');
      expect(check.explanation[0].sentence).toContain('84 FR 22961');
      const exemption = check.explanation.find((s: { kind: string }) => s.kind === 'exemption');
      expect(exemption.sentence).toMatch(/84 FR 23468.* from 2019-05-20 until 2019-08-20/);
      expect(check.explanation.at(-1).sentence).toContain('is not restricted for huawei');
    });
  });

  describe('explanations and replays of corrected and retracted records', () => {
    it('tell what was corrected and what was retracted, and replay each as a change of knowledge', async () => {
      const post = async (body: object) =>
        (await t.http.post('/v1/commands').set(bearer('writer')).send(body).expect(201)).body;
      const measureId = 'explain-acme';
      const imposed = await post(imposeBody({ measureId, subjects: ['acme-explained'], effectiveFrom: '2019-06-01' }));
      await post({
        type: 'CorrectEntry',
        measureId,
        eventId: imposed.events[0].eventId,
        reason: 'in force from 1 May',
        replacement: {
          ...imposeBody({ measureId, subjects: ['acme-explained'], effectiveFrom: '2019-05-01' }),
          type: undefined,
        },
      });
      const grant = await post({
        type: 'GrantExemption',
        measureId,
        exemptionId: 'lic',
        title: 'licence',
        categories: ['exports/food'],
        effectiveFrom: '2019-05-01',
      });
      await post({ type: 'RetractEntry', measureId, eventId: grant.events[0].eventId, reason: 'never issued' });

      const check = await get('/v1/subjects/acme-explained/check?category=exports/food&at=2019-05-15');
      expect(check.status).toBe('restricted');
      const sentences = check.explanation.map((s: { kind: string; sentence: string }) => `${s.kind}: ${s.sentence}`);
      expect(sentences).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^correction: .*corrected the RestrictionImposed .*: in force from 1 May\.$/),
          expect.stringMatching(/^retraction: .*retracted the ExemptionGranted .*: never issued\.$/),
        ]),
      );

      const steps = (await get('/v1/subjects/acme-explained/replay')).steps as Step[];
      expect(steps.map((s) => s.type)).toEqual([
        'RestrictionImposed',
        'EntryCorrected',
        'ExemptionGranted',
        'EntryRetracted',
      ]);
      // The correction moved the start to 1 May: as of it, 1 May became restricted.
      expect(steps[1]!.after.at).toBe('2019-05-01T00:00:00.000Z');
      expect(steps[1]!.changes.became.restricted.categories).toEqual(['exports']);
      expect(steps[3]!.changes.stopped.exempt.categories).toEqual(['exports/food']);
      expect(steps[3]!.changes.became.restricted.categories).toEqual(['exports/food']);
    });

    it('says what each scope change did, and what the scope covers once, after the last', async () => {
      const post = async (body: object) =>
        (await t.http.post('/v1/commands').set(bearer('writer')).send(body).expect(201)).body;
      const measureId = 'explain-scope';
      await post(
        imposeBody({ measureId, subjects: ['acme-scoped'], categories: ['exports'], effectiveFrom: '2019-05-01' }),
      );
      await post({ type: 'BroadenScope', measureId, categories: ['services/cloud'], effectiveFrom: '2019-06-01' });
      await post({ type: 'NarrowScope', measureId, remove: ['exports/food'], effectiveFrom: '2019-07-01' });

      const check = await get('/v1/subjects/acme-scoped/check?category=exports/chips&at=2019-08-01');
      const scope: string[] = check.explanation
        .filter((s: { kind: string }) => s.kind === 'scope')
        .map((s: { sentence: string }) => s.sentence);
      expect(scope).toEqual([
        expect.stringMatching(/^Its scope was broadened.* to add services\/cloud\.$/),
        expect.stringMatching(
          /^Its scope was narrowed.* to leave out exports\/food; it now covers exports, services\/cloud except exports\/food for acme-scoped\.$/,
        ),
      ]);
    });
  });

  describe('the demo history credits the right events and misses no transition', () => {
    it('credits the 5G-standards restriction of 19 August 2019 to the amendment alone, not to the affiliates added that day', async () => {
      const steps = (await get('/v1/subjects/huawei/replay?order=valid')).steps as Step[];
      const step = steps.find((s) => s.effectiveAt === '2019-08-19T00:00:00.000Z' && !s.unchanged)!;
      expect(step.changes.became.restricted.categories).toEqual(['exports/5g-standards']);
      expect(step.causes.map((c) => [c.type, c.citation])).toEqual([['ExemptionAmended', '84 FR 43487']]);
      expect(step.type).toBe('ExemptionAmended');
      // The addition of the affiliates still shows, as an event that changed nothing for huawei.
      const addition = steps.find((s) => s.type === 'SubjectsAdded' && s.effectiveAt === '2019-08-19T00:00:00.000Z');
      expect(addition === undefined || addition.unchanged).toBe(true);
    });

    it('shows the Temporary General License lapsing on 17 February 2020, though no event takes effect then', async () => {
      const steps = (await get('/v1/subjects/huawei/replay?order=valid')).steps as Step[];
      const lapse = steps.find((s) => s.effectiveAt === '2020-02-17T00:00:00.000Z')!;
      expect(lapse).toBeDefined();
      expect(lapse.unchanged).toBe(false);
      expect(lapse.changes.became.restricted.categories).toEqual([
        'exports/cybersecurity-research',
        'exports/existing-handset-support',
        'exports/existing-network-maintenance',
      ]);
      expect(lapse.changes.stopped.exempt.categories).toEqual(lapse.changes.became.restricted.categories);
      // The window closes at the end the last extension set: that extension is what ends it then.
      expect(lapse.causes.map((c) => [c.type, c.citation, c.role])).toEqual([
        ['ExemptionAmended', '84 FR 64018', 'ends'],
      ]);
      expect(lapse.before).toEqual({
        ...(await stateAt('huawei', '2020-02-16T23:59:59.999Z', lapse.after.asOfPosition)),
        asOfPosition: lapse.after.asOfPosition,
      });
      expect(lapse.after).toEqual(await stateAt('huawei', '2020-02-17T00:00:00.000Z', lapse.after.asOfPosition));
    });

    it('as known at the third event, explains that tgl-huawei ended on 2019-08-20 and bases the verdict on events with legal effect only', async () => {
      // Position 3 on SQLite: the third event recorded (the G20 announcement), whatever the store numbers it.
      const third = String((await t.store.readAll())[2]!.position);
      const check = await get(
        `/v1/subjects/huawei/check?category=exports/existing-handset-support&at=2019-08-20&asOfPosition=${third}`,
      );
      expect(check.status).toBe('restricted');
      const sentences: string[] = check.explanation.map((s: { sentence: string }) => s.sentence);
      expect(sentences).toContainEqual(expect.stringMatching(/tgl-huawei .*ended on 2019-08-20/));
      const types = check.basis.map((b: { type: string }) => b.type);
      expect(types).not.toContain('EasingAnnounced');
      expect(types).toContain('RestrictionImposed');
      expect(check.explanation.at(-1).events.map((e: { position: string }) => e.position)).not.toContain(third);
      // The announcement keeps its own basis, among what is pending.
      expect(check.pending.flatMap((p: { basis: { position: string }[] }) => p.basis.map((b) => b.position))).toContain(
        third,
      );
    });
  });
});
