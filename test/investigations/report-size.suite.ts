/**
 * A report of a measure of many categories grows with the history, not with
 * the square of its categories: each large category set is listed once and
 * named where a sentence or a cell would restate it, and the steps every
 * verdict shares are written once. Whether it reached its categories in one
 * imposition or through many broadenings, every format stays under a fixed
 * multiple of the commands that made it, and doubling the categories about
 * doubles the report; the verdicts and what they refer to still say it all.
 */
import { describe, expect, it } from '@jest/globals';
import { evolve, initialState } from '../../projections/ledger-read-model.js';
import type { LoggedEvent } from '../../src/domain/recorded-fact.js';
import { foldIntegrity, LogIntegrity } from '../../src/integrity/log-integrity.js';
import { buildReport, type SubjectReport } from '../../src/investigations/report.js';
import { renderAtOnce, REPORT_FORMATS, type ReportFormatName } from '../../src/investigations/report-render.js';
import { fixedStore } from '../changes/feed-fixtures.js';
import { parseSections } from '../support/csv.js';
import { manyCategoriesMeasure } from '../support/many-categories.js';

const SUBJECT = 'many-co';
const FORMATS = Object.keys(REPORT_FORMATS) as ReportFormatName[];

const measureOf = (total: number, perCommand: number) => manyCategoriesMeasure(total, perCommand);

/** Each history's report, built once for every test that reads it. */
const built = new Map<LoggedEvent[], Promise<{ report: SubjectReport; sizes: Record<string, number> }>>();
const histories = new Map<string, LoggedEvent[]>();
const historyOf = (total: number, perCommand: number) => {
  const key = `${total}/${perCommand}`;
  if (!histories.has(key)) histories.set(key, measureOf(total, perCommand));
  return histories.get(key)!;
};

function reportOf(events: LoggedEvent[]) {
  if (!built.has(events)) built.set(events, buildAndRender(events));
  return built.get(events)!;
}

async function buildAndRender(
  events: LoggedEvent[],
): Promise<{ report: SubjectReport; sizes: Record<string, number> }> {
  const model = events.reduce(evolve, initialState());
  const store = fixedStore(events);
  const integrity = await foldIntegrity(store, new LogIntegrity(false));
  const at = Date.UTC(2030, 0, 1);
  const report = await buildReport(
    model,
    store,
    integrity,
    SUBJECT,
    { at, asOfPosition: model.position, asOf: new Date(at).toISOString() },
    new Date(at),
  );
  const sizes = Object.fromEntries(
    FORMATS.map((format) => [format, Buffer.byteLength(renderAtOnce(REPORT_FORMATS[format].render(report)))]),
  );
  return { report, sizes };
}

/** The bytes of the commands' payloads: what a client sent to make the history. */
const inputBytes = (events: LoggedEvent[]) => events.reduce((n, e) => n + JSON.stringify(e.data).length, 0);

describe('investigations/report-size', () => {
  // Before, a 2,000-category imposition gave about 700 times its command in every format (16 MB of CSV), and four
  // times as much for twice the categories. The timeline still lists each interval's set once (named, not
  // restated): through broadenings, that part grows with their number times the categories, hence the looser bound.
  describe.each([
    ['one imposition', 2_000, 2.3],
    ['40 broadenings', 50, 3],
  ])('a measure of 2,000 categories named in %s', (_, perCommand, growth) => {
    it('gives a report in every format under 120 times the commands that made it, and not four times as large for twice the categories', async () => {
      const events = historyOf(2_000, perCommand);
      const { sizes } = await reportOf(events);
      const half = await reportOf(historyOf(1_000, perCommand === 2_000 ? 1_000 : perCommand));
      for (const format of FORMATS) {
        expect({ format, underBound: sizes[format]! / inputBytes(events) < 120 }).toEqual({ format, underBound: true });
        expect({ format, growth: sizes[format]! / half.sizes[format]! < growth }).toEqual({ format, growth: true });
      }
    });

    it('still gives a verdict on every category, and every set and shared step they refer to, once', async () => {
      const { report } = await reportOf(historyOf(2_000, perCommand));
      expect(report.verdicts).toHaveLength(2_000);
      expect(report.verdicts.every((v) => v.status === 'restricted')).toBe(true);
      // The whole scope is named in the shared steps, and listed once among the category sets.
      const whole = report.categorySets.find((set) => set.categories.length === 2_000);
      expect(whole?.except).toEqual([]);
      expect(new Set(whole!.categories).size).toBe(2_000);
      const [shared, ...others] = report.sharedExplanations;
      expect(others).toEqual([]);
      expect(shared!.steps.map((s) => s.sentence).join(' ')).toContain(`category set ${whole!.id} (2000 categories)`);
      // A verdict refers to the shared steps, and says its own verdict.
      const verdict = report.verdicts.find((v) => v.category === 'c1234/x')!;
      expect(verdict.explanation.map((s) => s.kind)).toEqual(['restriction', 'verdict']);
      expect(verdict.explanation[0]!.sentence).toContain(`shared explanation ${shared!.id}`);
      expect(verdict.explanation[1]!.sentence).toContain('c1234/x is restricted for many-co');
      // Every event the shared steps rest on is in the basis, with its proof.
      const proven = new Set(report.basis.map((b) => b.eventId));
      for (const step of shared!.steps) for (const e of step.events) expect(proven).toContain(e.eventId);
      expect(report.basis).toHaveLength(2_000 / perCommand);
    });
  });

  it('lists a named set in the CSV once, in its own section, and names it where the timeline would restate it', async () => {
    const { report } = await reportOf(historyOf(2_000, 50));
    const sections = parseSections(renderAtOnce(REPORT_FORMATS.csv.render(report)));
    const sets = sections.get('category_sets')!.records;
    expect(sets.map((r) => r.category_set)).toEqual(report.categorySets.map((s) => s.id));
    const whole = report.categorySets.find((set) => set.categories.length === 2_000)!;
    expect(sets.find((r) => r.category_set === whole.id)!.categories!.split(', ')).toHaveLength(2_000);
    const last = sections.get('timeline')!.records.at(-1)!;
    expect(last.restricted).toBe(`many: category set ${whole.id} (2000 categories)`);
    // The restriction and its 39 broadenings, once.
    expect(sections.get('shared_explanations')!.records).toHaveLength(40);
  });

  it('writes a report of few verdicts and small sets out whole, as before', async () => {
    const { report } = await reportOf(measureOf(10, 5));
    expect(report.categorySets).toEqual([]);
    expect(report.sharedExplanations).toEqual([]);
    expect(report.verdicts[0]!.explanation[0]!.sentence).toContain('restricts c0/x, c1/x, c2/x, c3/x, c4/x since');
  });
});
