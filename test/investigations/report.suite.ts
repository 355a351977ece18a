/**
 * The auditor's report over the demo history, in every format: verdicts
 * that agree with the check route, with their explanations; since when each
 * restriction holds; the CSV's sections read back by an RFC 4180 reader; the
 * downloads' file names; and the HTML rendered in headless Chromium,
 * screenshotted, and read back as a person would see it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_FILE } from '../../src/package-root.js';
import { launchBrowser } from '../support/browser.js';
import { parseSections } from '../support/csv.js';
import { FakeClock } from '../support/fake-clock.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';
import { leaf, verifyInclusion } from '../support/rfc9162.js';
import { tempDir } from '../support/temp-dir.js';

describe('investigations/report', () => {
  /** Every category the demo's measure names in its scope and its licence. */
  const DEMO_CATEGORIES = [
    'exports',
    'exports/5g-standards',
    'exports/cybersecurity-research',
    'exports/existing-handset-support',
    'exports/existing-network-maintenance',
  ];

  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ clock: new FakeClock(Date.parse('2026-01-01T00:00:00Z')) });
    await t.http
      .post('/v1/commands/batch')
      .set(bearer('writer'))
      .send(JSON.parse(readFileSync(DEMO_FILE, 'utf8')))
      .expect(200);
    // After the demo (positions 1 to 7): two measures on one more subject.
    const impose = (measureId: string, categories: string[], effectiveFrom: string) => ({
      type: 'ImposeRestriction',
      measureId,
      title: measureId,
      jurisdiction: 'US',
      authority: 'BIS',
      subjects: ['since-co'],
      categories,
      effectiveFrom,
    });
    await t.http
      .post('/v1/commands/batch')
      .set(bearer('writer'))
      .set('Idempotency-Key', 'report-since-histories')
      .send([
        impose('since-a', ['exports'], '2019-01-01'),
        { type: 'RemoveSubjects', measureId: 'since-a', subjects: ['since-co'], effectiveFrom: '2019-03-01' },
        { type: 'AddSubjects', measureId: 'since-a', subjects: ['since-co'], effectiveFrom: '2019-04-01' },
        impose('since-b', ['services'], '2018-06-01'),
        { type: 'BroadenScope', measureId: 'since-b', categories: ['finance'], effectiveFrom: '2019-02-01' },
      ])
      .expect(200);
  });
  afterAll(async () => t.close());

  const report = (query: string, subject = 'huawei') =>
    t.http.get(`/v1/subjects/${subject}/report?${query}`).set(bearer('reader'));

  describe('GET /v1/subjects/{id}/report', () => {
    it('as JSON: state, basis with citations and sources, timeline, and a digest that proves every basis event', async () => {
      const { body, headers } = await report('at=2019-06-30').expect(200);
      expect(headers['content-disposition']).toBeUndefined();
      expect(body).toMatchObject({ subjectId: 'huawei', subjectKnown: true, at: '2019-06-30T00:00:00.000Z' });
      expect(body.state.restricted[0]).toMatchObject({ measureId: 'us-ear-entity-list-huawei' });
      expect(body.basis.map((b: { citation: string }) => b.citation)).toEqual(
        expect.arrayContaining(['84 FR 22961', '84 FR 23468']),
      );
      expect(body.basis[0].sources[0]).toMatchObject({ publishedAt: expect.any(String) });
      expect(body.timeline.intervals.length).toBeGreaterThan(0);
      const root = Buffer.from(body.digest.rootHash, 'hex');
      for (const b of body.basis) {
        const hash = leaf(Buffer.from(canonicalize(b.proof.leaf)!, 'utf8'));
        expect(
          verifyInclusion(
            b.proof.leafIndex,
            body.digest.treeSize,
            hash,
            b.proof.auditPath.map((h: string) => Buffer.from(h, 'hex')),
            root,
          ),
        ).toBe(true);
      }
    });

    it.each(['2019-06-30', '2019-05-18', '2019-09-01', '2020-03-01', '2019-01-01'])(
      'gives, at %s, a verdict on every category of the measures that agrees with the check route, with its explanation',
      async (at) => {
        const { body } = await report(`at=${at}`).expect(200);
        expect(body.categoriesFrom).toBe('default');
        expect(body.verdicts.map((v: { category: string }) => v.category)).toEqual(DEMO_CATEGORIES);
        for (const verdict of body.verdicts) {
          const check = (
            await t.http
              .get(`/v1/subjects/huawei/check?category=${verdict.category}&at=${at}`)
              .set(bearer('reader'))
              .expect(200)
          ).body;
          expect(verdict.status).toBe(check.status);
          const last = verdict.explanation[verdict.explanation.length - 1];
          expect(last).toMatchObject({ kind: 'verdict' });
          expect(last.sentence).toContain(
            `${verdict.category} is ${check.status === 'partially-restricted' ? 'partially restricted' : check.status.replace('-', ' ')}`,
          );
        }
        // Every event an explanation rests on is in the basis, with its proof.
        const proven = new Set(body.basis.map((b: { eventId: string }) => b.eventId));
        for (const verdict of body.verdicts)
          for (const step of verdict.explanation) for (const e of step.events) expect(proven).toContain(e.eventId);
      },
    );

    it('says since when each restriction holds: without a break since the listing, with these categories since the licence', async () => {
      const mid = (await report('at=2019-06-30').expect(200)).body.state.restricted[0];
      expect(mid).toMatchObject({
        restrictedSince: '2019-05-16T20:15:00.000Z',
        categoriesSince: '2019-05-20T00:00:00.000Z',
        except: expect.arrayContaining(['exports/5g-standards']),
      });
      const early = (await report('at=2019-05-18').expect(200)).body.state.restricted[0];
      expect(early).toMatchObject({
        restrictedSince: '2019-05-16T20:15:00.000Z',
        categoriesSince: '2019-05-16T20:15:00.000Z',
        except: [],
      });
      const later = (await report('at=2019-09-01').expect(200)).body.state.restricted[0];
      expect(later).toMatchObject({
        restrictedSince: '2019-05-16T20:15:00.000Z',
        categoriesSince: '2019-08-19T00:00:00.000Z',
      });
    });

    it('dates each restriction from its own history: a removal breaks it, a broadening changes its categories, another measure does neither', async () => {
      const rows = (await report('at=2019-05-01', 'since-co').expect(200)).body.state.restricted;
      expect(
        rows.map((r: { measureId: string; restrictedSince: string; categoriesSince: string }) => [
          r.measureId,
          r.restrictedSince,
          r.categoriesSince,
        ]),
      ).toEqual([
        ['since-a', '2019-04-01T00:00:00.000Z', '2019-04-01T00:00:00.000Z'],
        ['since-b', '2018-06-01T00:00:00.000Z', '2019-02-01T00:00:00.000Z'],
      ]);
      const before = (await report('at=2019-02-15', 'since-co').expect(200)).body.state.restricted;
      expect(before[0]).toMatchObject({ measureId: 'since-a', restrictedSince: '2019-01-01T00:00:00.000Z' });
    });

    it('gives verdicts on the categories asked, in the order asked', async () => {
      const { body } = await report('at=2019-06-30&categories=exports/5g-standards,exports,services').expect(200);
      expect(body.categoriesFrom).toBe('asked');
      expect(body.verdicts.map((v: { category: string; status: string }) => [v.category, v.status])).toEqual([
        ['exports/5g-standards', 'not-restricted'],
        ['exports', 'partially-restricted'],
        ['services', 'not-restricted'],
      ]);
    });

    it.each(['', 'exports,', 'Exports', 'exports,,services', '../etc'])(
      'refuses categories=%p naming the field',
      async (categories) => {
        const { body } = await report(`categories=${encodeURIComponent(categories)}`).expect(400);
        // An empty value is refused as empty before its form is looked at.
        const rule = categories === '' ? 'isNotEmpty' : 'isCategoryList';
        expect(body.details[0]).toMatchObject({ field: 'categories', rule, value: categories });
      },
    );

    it('answers for a subject the ledger never heard of, and says so', async () => {
      const { body } = await report('at=2019-06-30', 'nobody-at-all').expect(200);
      expect(body).toMatchObject({
        subjectId: 'nobody-at-all',
        subjectKnown: false,
        verdicts: [],
        state: { restricted: [], exemptions: [], pending: [] },
        basis: [],
      });
      const md = (await report('at=2019-06-30&format=md', 'nobody-at-all').expect(200)).text;
      expect(md).toContain('The ledger has never heard of this subject');
      const asked = (await report('at=2019-06-30&categories=exports', 'nobody-at-all').expect(200)).body;
      expect(asked.verdicts).toEqual([expect.objectContaining({ category: 'exports', status: 'not-restricted' })]);
    });

    it('carries the notice of a record time beyond the head into every format', async () => {
      const { body } = await report('at=2019-06-30&asOf=2030-01-01').expect(200);
      expect(body.notice).toMatch(/beyond/);
      expect((await report('at=2019-06-30&asOf=2030-01-01&format=md').expect(200)).text).toContain(
        `Note: ${body.notice}`,
      );
      const summary = parseSections((await report('at=2019-06-30&asOf=2030-01-01&format=csv').expect(200)).text).get(
        'summary',
      )!;
      expect(summary.records[0]!.notice).toBe(body.notice);
    });

    it.each(['pdf', 'toString', '__proto__', 'constructor', 'valueOf', 'hasOwnProperty'])(
      'refuses format=%s with a 400 naming format',
      async (format) => {
        const { body } = await report(`format=${format}`).expect(400);
        expect(body).toMatchObject({
          statusCode: 400,
          details: [expect.objectContaining({ field: 'format', rule: 'isIn', value: format })],
        });
      },
    );

    it.each([
      ['md', /text\/markdown/],
      ['html', /text\/html/],
      ['csv', /text\/csv/],
    ])('serves %s as a download named after the subject, the valid date and the position', async (format, type) => {
      const { headers } = await report(`at=2019-06-30&asOfPosition=7&format=${format}`)
        .expect(200)
        .expect('content-type', type);
      expect(headers['content-disposition']).toBe(`attachment; filename="regledger-huawei-2019-06-30-7.${format}"`);
      const { headers: earlier } = await report(`at=2019-05-18&asOfPosition=2&format=${format}`).expect(200);
      expect(earlier['content-disposition']).toBe(`attachment; filename="regledger-huawei-2019-05-18-2.${format}"`);
    });

    it('as Markdown: each verdict with its explanation, and since when each restriction holds', async () => {
      const md = (
        await report('at=2019-06-30&format=md')
          .expect(200)
          .expect('content-type', /text\/markdown/)
      ).text;
      expect(md).toContain('# Restriction report: huawei');
      expect(md).toContain('### exports: partially-restricted');
      expect(md).toContain('### exports/5g-standards: not-restricted');
      expect(md).toMatch(
        /^1\. us-ear-entity-list-huawei "Entity List: Huawei Technologies Co\., Ltd\. and non-US affiliates" \(84 FR 22961\) restricts exports since 2019-05-16T20:15:00\.000Z\./m,
      );
      expect(md).toContain('| Restricted without a break since | These categories since |');
      expect(md).toMatch(
        /\| us-ear-entity-list-huawei \|.*\| 2019-05-16T20:15:00\.000Z \| 2019-05-20T00:00:00\.000Z \|/,
      );
      expect(md).toContain('84 FR 23468');
    });

    it('as one CSV whose sections an RFC 4180 reader reads back field by field', async () => {
      const csv = (await report('at=2019-06-30&asOfPosition=7&format=csv').expect(200)).text;
      expect(csv.startsWith('# summary\r\n')).toBe(true);
      const sections = parseSections(csv);
      expect([...sections.keys()]).toEqual([
        'summary',
        'verdicts',
        'restricted',
        'exemptions',
        'pending',
        'basis',
        'timeline',
      ]);
      const json = (await report('at=2019-06-30&asOfPosition=7').expect(200)).body;
      expect(sections.get('summary')!.records).toEqual([
        expect.objectContaining({
          subject: 'huawei',
          at: '2019-06-30T00:00:00.000Z',
          as_of_position: '7',
          subject_known: 'true',
          notice: '',
          digest_tree_size: String(json.digest.treeSize),
          digest_root_hash: json.digest.rootHash,
        }),
      ]);
      expect(sections.get('verdicts')!.records.map((r) => [r.category, r.status])).toEqual(
        json.verdicts.map((v: { category: string; status: string }) => [v.category, v.status]),
      );
      expect(sections.get('verdicts')!.records[0]!.explanation).toContain('restricts exports since 2019-05-16');
      expect(sections.get('restricted')!.records).toEqual([
        expect.objectContaining({
          measure_id: 'us-ear-entity-list-huawei',
          citation: '84 FR 22961',
          categories: 'exports',
          restricted_without_break_since: '2019-05-16T20:15:00.000Z',
          these_categories_since: '2019-05-20T00:00:00.000Z',
        }),
      ]);
      expect(sections.get('exemptions')!.records).toEqual([
        expect.objectContaining({
          exemption_id: 'tgl-huawei',
          effective_from: '2019-05-20T00:00:00.000Z',
          basis_citations: '84 FR 23468',
        }),
      ]);
      expect(sections.get('pending')!.records.map((r) => r.announcement_id)).toEqual(['g20-osaka-2019']);
      const basis = sections.get('basis')!.records;
      expect(basis.map((r) => r.event_id)).toEqual(json.basis.map((b: { eventId: string }) => b.eventId));
      const imposed = basis.find((r) => r.type === 'RestrictionImposed')!;
      expect(imposed).toMatchObject({
        citation: '84 FR 22961',
        recorded_by: 'writer-key',
        leaf_index: String(json.basis[0].proof.leafIndex),
      });
      expect(imposed.sources).toContain('https://www.federalregister.gov/');
      expect(imposed.sources).not.toContain(json.digest.rootHash);
      const timeline = sections.get('timeline')!.records;
      expect(timeline.map((r) => [r.from, r.until])).toEqual(
        json.timeline.intervals.map((i: { from: string; until: string | null }) => [i.from, i.until ?? '']),
      );
      expect(timeline[1]!.stopped).toContain('exports/5g-standards');
    });

    it('as one self-contained HTML file that renders in headless Chromium with the verdicts, state and citations on the page', async () => {
      const html = (
        await report('at=2019-06-30&format=html')
          .expect(200)
          .expect('content-type', /text\/html/)
      ).text;
      expect(html).not.toMatch(/<script|<link|src="http/i);
      const dir = tempDir();
      const file = join(dir.path, 'report.html');
      writeFileSync(file, html);
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage();
        const failed: string[] = [];
        page.on('requestfailed', (r) => failed.push(r.url()));
        await page.goto(`file://${file}`);
        const shot = join(dir.path, 'report.png');
        await page.screenshot({ path: shot, fullPage: true });
        expect(statSync(shot).size).toBeGreaterThan(10_000);
        const text = await page.innerText('body');
        expect(text).toContain('Restriction report: huawei');
        expect(text).toMatch(/exports: partially-restricted/);
        expect(text).toMatch(/exports\/5g-standards: not-restricted/);
        expect(text).toMatch(/us-ear-entity-list-huawei\s+Entity List: Huawei/);
        expect(text).toMatch(/2019-05-16T20:15:00\.000Z\s+2019-05-20T00:00:00\.000Z/);
        expect(text).toMatch(/us-ear-entity-list-huawei\s+tgl-huawei/);
        expect(text).toContain('84 FR 22961');
        expect(text).toContain('84 FR 23468');
        expect(text).toContain(`root hash`);
        expect(failed).toEqual([]);
        const pdf = await page.pdf({ format: 'A4' });
        expect(pdf.length).toBeGreaterThan(5_000);
      } finally {
        await browser.close();
        dir.remove();
      }
    });
  });
});
