/**
 * The timeline and the report's renderings against the oracle, over both
 * shapes of random history (history-generator.ts: the default one, and `WIDE`:
 * four measures, exemptions and announcements each, instants at any
 * millisecond written with offsets, citations and sources), subjects and
 * knowledge; reports asked at the instants the histories name (mostly those of
 * exemptions), 1 ms either side or half a day after, and at any hour. The timeline: each interval's
 * start and end, what each measure restricts in it, and what became and
 * stopped being restricted at its start. The report as CSV and as Markdown, read
 * back as a user's tools read them: the verdict for each category, what each
 * measure restricts and since when (without a break, and exactly these
 * categories), the exemptions that apply and until when, and the timeline; the
 * JSON is the report itself.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { evolve, initialState } from '../../projections/ledger-read-model.js';
import { subjectTimeline } from '../../projections/subject-queries.js';
import { foldIntegrity, LogIntegrity } from '../../src/integrity/log-integrity.js';
import { buildReport, type SubjectReport } from '../../src/investigations/report.js';
import { renderAtOnce, REPORT_FORMATS } from '../../src/investigations/report-render.js';
import { fixedStore } from '../changes/feed-fixtures.js';
import { parseSections } from '../support/csv.js';
import { AFFILIATES, DAY, DAYS, EPOCH, HISTORIES, pathsOf, SUBJECTS, UNIVERSE } from '../support/history-generator.js';
import { Oracle, oracleLog, type OracleEvent } from '../support/oracle.js';
import { expectEqual } from '../support/expect-equal.js';

const oracle = new Oracle(UNIVERSE);
/** The subjects asked about: an affiliate a wide history names at once among them. */
const ASKED = [...SUBJECTS, AFFILIATES[0]!];
const iso = (ms: number) => new Date(ms).toISOString();
const text = (paths: string[]) => paths.join(' ');

/** "a, b except c" (or "—" for nothing), as the report's tables write a category set, as paths of the universe. */
function pathsOfText(set: string): string[] {
  if (set === '—' || set === '') return [];
  const [include, except] = set.split(' except ');
  return pathsOf(include!.split(', '), except ? except.split(', ') : []);
}

/** "m1: x, y; m2: z" (or "nothing"), as the timeline table writes what each measure restricts. */
function measuresOfText(cell: string): [string, string][] {
  if (cell === 'nothing') return [];
  return cell.split('; ').map((part) => {
    const [measureId, set] = part.split(': ');
    return [measureId!, text(pathsOfText(set!))];
  });
}

/** What the oracle says a report of the subject at t as known at k states, in the tables' terms. */
function expectedTables(standing: OracleEvent[], subject: string, t: number, categories: string[]) {
  const answer = oracle.answerFrom(standing, subject, t);
  return {
    verdicts: categories.map((category) => [category, oracle.status(answer, category)]).sort(),
    restricted: [...answer.restricted]
      .map(([measureId, set]) => {
        const since = oracle.restrictedSince(standing, subject, measureId, t)!;
        return [measureId, text([...set].sort()), iso(since.restricted), iso(since.categories)];
      })
      .sort(),
    exemptions: [...answer.exemptions]
      .map((key) => {
        const [measureId, exemptionId] = key.split('/') as [string, string];
        const events = standing.filter((e) => e.measureId === measureId);
        const grant = events.find((e) => e.type === 'ExemptionGranted' && e.data.exemptionId === exemptionId)!;
        const exemption = oracle.exemption(events, grant, subject, t);
        return [
          measureId,
          exemptionId,
          text([...exemption.categories].sort()),
          exemption.until ? iso(Date.parse(exemption.until)) : '',
        ];
      })
      .sort(),
    timeline: oracle
      .timeline(standing, subject)
      .map((i) => [
        iso(i.from),
        i.until === undefined ? '' : iso(i.until),
        i.restricted.map(([m, paths]) => [m, text(paths)]),
        text(i.became),
        text(i.stopped),
      ]),
  };
}

/** The same facts as the CSV states them. */
function csvTables(csv: string) {
  const sections = parseSections(csv);
  const records = (name: string) => sections.get(name)?.records ?? [];
  return {
    verdicts: records('verdicts')
      .map((r) => [r.category!, r.status!])
      .sort(),
    restricted: records('restricted')
      .map((r) => [
        r.measure_id!,
        text(pathsOf(r.categories!.split(', '), r.except ? r.except.split(', ') : [])),
        r.restricted_without_break_since!,
        r.these_categories_since!,
      ])
      .sort(),
    exemptions: records('exemptions')
      .map((r) => [
        r.measure_id!,
        r.exemption_id!,
        text(pathsOf(r.categories!.split(', '), r.except ? r.except.split(', ') : [])),
        r.effective_until!,
      ])
      .sort(),
    timeline: records('timeline').map((r) => [
      r.from!,
      r.until!,
      measuresOfText(r.restricted!),
      text(pathsOfText(r.became_restricted!)),
      text(pathsOfText(r.stopped!)),
    ]),
  };
}

/** The rows of the Markdown table under a `## title`, cells unescaped as a reader sees them (ids and paths only). */
function markdownRows(md: string, title: string): string[][] {
  const lines = md.split('\n');
  const start = lines.indexOf(`## ${title}`);
  if (start < 0) throw new Error(`no section ${title}`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(2, -2)
        .split(' | ')
        .map((cell) => cell.replace(/\\(.)/g, '$1')),
    );
  }
  // The header and the rule under it.
  return rows.slice(2);
}

/** The same facts as the Markdown states them. */
function markdownTables(md: string) {
  const verdicts = [...md.matchAll(/^### (\S+): (\S+)$/gm)].map((m) => [m[1]!, m[2]!]).sort();
  return {
    verdicts,
    restricted: markdownRows(md, 'Restricted')
      .map(([measureId, , , categories, except, since, categoriesSince]) => [
        measureId!,
        text(pathsOf(categories!.split(', '), except ? except.split(', ') : [])),
        since!,
        categoriesSince!,
      ])
      .sort(),
    exemptions: markdownRows(md, 'Exemptions')
      .map(([measureId, exemptionId, , categories, except, , until]) => [
        measureId!,
        exemptionId!,
        text(pathsOf(categories!.split(', '), except ? except.split(', ') : [])),
        until!,
      ])
      .sort(),
    timeline: markdownRows(md, 'Timeline').map(([from, until, restricted, became, stopped]) => [
      from!,
      until!,
      measuresOfText(restricted!),
      text(pathsOfText(became!)),
      text(pathsOfText(stopped!)),
    ]),
  };
}

/**
 * Where a report is asked, from a random pick: mostly at an instant an exemption names, 1 ms either side of it or
 * half a day after; else at an instant the history names, 1 ms either side, or at any hour of its span.
 */
function askedAt(pick: number, ofExemptions: number[], ofHistory: number[]): number {
  if (pick % 4 && ofExemptions.length)
    return ofExemptions[pick % ofExemptions.length]! + [-1, 0, 1, DAY / 2][(pick >> 2) % 4]!;
  if ((pick >> 2) % 2) return ofHistory[pick % ofHistory.length]! + (((pick >> 3) % 3) - 1);
  return EPOCH + (pick % ((DAYS + 26) * 24)) * 3_600_000 - DAY;
}

/**
 * Each shape of history, with the runs it gets and the least the histories must give the checks (measured at the
 * fixed seed, about half of it): fewer runs of each than either had alone, the two together covering both.
 */
const SHAPES = [
  {
    shape: 'default',
    histories: HISTORIES.default,
    runs: { timeline: 120, report: 60 },
    least: { intervals: 330, restricted: 45, exemptions: 6, timeline: 175 },
  },
  {
    shape: 'wide',
    histories: HISTORIES.wide,
    runs: { timeline: 120, report: 60 },
    least: { intervals: 500, restricted: 75, exemptions: 11, timeline: 240 },
  },
];

describe('investigations/timeline-report.oracle', () => {
  describe.each(SHAPES)('over $shape histories', (shape) => {
    it("a timeline's intervals are the oracle's: start, end, what each measure restricts, what became and stopped being restricted", () => {
      let intervals = 0;
      fc.assert(
        fc.property(shape.histories, fc.option(fc.nat(), { freq: 3 }), (events, prefix) => {
          const model = events.reduce(evolve, initialState());
          const k = prefix === null ? events.length : prefix % (events.length + 1);
          const standing = oracle.standing(oracleLog(events), k);
          for (const subject of ASKED) {
            const actual = subjectTimeline(model, subject, BigInt(k)).intervals.map((i) => ({
              from: i.from,
              until: i.until,
              restricted: i.restricted.map((r) => [r.measureId, pathsOf(r.categories, r.except)]),
              became: pathsOf(i.became.restricted.categories, i.became.restricted.except),
              stopped: pathsOf(i.became.unrestricted.categories, i.became.unrestricted.except),
            }));
            const expected = oracle.timeline(standing, subject).map((i) => ({
              from: iso(i.from),
              until: i.until === undefined ? null : iso(i.until),
              restricted: i.restricted,
              became: i.became,
              stopped: i.stopped,
            }));
            expectEqual({ subject, k, intervals: actual }, { subject, k, intervals: expected });
            intervals += actual.length;
          }
        }),
        { numRuns: shape.runs.timeline },
      );
      expect(intervals).toBeGreaterThan(shape.least.intervals);
    });

    it('the report as CSV and as Markdown states what the oracle says, and the JSON is the report', async () => {
      const stated = { restricted: 0, exemptions: 0, timeline: 0 };
      await fc.assert(
        fc.asyncProperty(
          shape.histories,
          fc.option(fc.nat(), { freq: 3 }),
          fc.array(fc.nat(), { minLength: ASKED.length, maxLength: ASKED.length }),
          async (events, prefix, picks) => {
            const model = events.reduce(evolve, initialState());
            const store = fixedStore(events);
            const integrity = await foldIntegrity(store, new LogIntegrity(false));
            const k = prefix === null ? events.length : prefix % (events.length + 1);
            const standing = oracle.standing(oracleLog(events), k);
            const ofExemptions = Oracle.instants(standing.filter((e) => e.data.exemptionId !== undefined));
            const ofHistory = Oracle.instants(oracleLog(events));
            for (const [n, subject] of ASKED.entries()) {
              const at = askedAt(picks[n]!, ofExemptions, ofHistory);
              const report: SubjectReport = await buildReport(
                model,
                store,
                integrity,
                subject,
                { at, asOfPosition: BigInt(k), asOf: iso(0) },
                new Date(0),
              );
              const expected = expectedTables(
                standing,
                subject,
                at,
                report.verdicts.map((v) => v.category),
              );
              const question = { subject, at: iso(at), k };
              expectEqual(
                { ...question, csv: csvTables(renderAtOnce(REPORT_FORMATS.csv.render(report))) },
                { ...question, csv: expected },
              );
              expectEqual(
                { ...question, md: markdownTables(renderAtOnce(REPORT_FORMATS.md.render(report))) },
                { ...question, md: expected },
              );
              expectEqual(
                JSON.parse(renderAtOnce(REPORT_FORMATS.json.render(report))),
                JSON.parse(JSON.stringify(report)),
              );
              stated.restricted += expected.restricted.length;
              stated.exemptions += expected.exemptions.length;
              stated.timeline += expected.timeline.length;
            }
          },
        ),
        { numRuns: shape.runs.report },
      );
      // The histories give the tables rows to check.
      expect(stated.restricted).toBeGreaterThan(shape.least.restricted);
      expect(stated.exemptions).toBeGreaterThan(shape.least.exemptions);
      expect(stated.timeline).toBeGreaterThan(shape.least.timeline);
    }, 120_000);
  });
});
