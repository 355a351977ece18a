/**
 * A report is rendered in paced slices: every format's text is the one the
 * renderers wrote in one stretch, byte for byte (over random histories of both
 * shapes, subjects the ledger knows and does not, and measures of many
 * categories), and while a large report is written the loop keeps turning, so
 * other requests and feeds are not held waiting for it.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { evolve, initialState } from '../../projections/ledger-read-model.js';
import type { LoggedEvent } from '../../src/domain/recorded-fact.js';
import { foldIntegrity, LogIntegrity } from '../../src/integrity/log-integrity.js';
import { buildReport, type SubjectReport } from '../../src/investigations/report.js';
import {
  renderAtOnce,
  renderJsonBody,
  REPORT_FORMATS,
  renderReport,
  type ReportFormatName,
} from '../../src/investigations/report-render.js';
import { fixedStore } from '../changes/feed-fixtures.js';
import { AFFILIATES, HISTORIES, SUBJECTS } from '../support/history-generator.js';
import { manyCategoriesMeasure } from '../support/many-categories.js';
const FORMATS = Object.keys(REPORT_FORMATS) as ReportFormatName[];
/**
 * Each format written without a pause: JSON is JSON.stringify's own text; the others, the same rendering run
 * through in one stretch (their content is held to the oracle by timeline-report.oracle and the browser test), so
 * that what is checked here is that pausing, at every point it can, changes no byte.
 */
const UNPACED: Record<ReportFormatName, (report: SubjectReport) => string> = {
  json: (report) => `${JSON.stringify(report, null, 2)}\n`,
  md: (report) => renderAtOnce(REPORT_FORMATS.md.render(report)),
  html: (report) => renderAtOnce(REPORT_FORMATS.html.render(report)),
  csv: (report) => renderAtOnce(REPORT_FORMATS.csv.render(report)),
};
const iso = (ms: number) => new Date(ms).toISOString();

async function reportOf(events: LoggedEvent[], subject: string, at: number): Promise<SubjectReport> {
  const model = events.reduce(evolve, initialState());
  const store = fixedStore(events);
  const integrity = await foldIntegrity(store, new LogIntegrity(false));
  return buildReport(
    model,
    store,
    integrity,
    subject,
    { at, asOfPosition: model.position, asOf: iso(at) },
    new Date(at),
  );
}

/** The shared wide measure, with markup and a formula-like citation for every format to escape. */
const manyCategories = (total: number, perCommand: number) =>
  manyCategoriesMeasure(total, perCommand, { title: 'Many <categories> & "quotes"', citation: '=FR 1, "quoted"' });

/** Renders with a slice of 0 ms: the rendering pauses at every step it offers, so every boundary between parts is crossed. */
const pausedEverywhere = (report: SubjectReport, format: ReportFormatName) => renderReport(report, format, 0);

describe('investigations/paced-render', () => {
  it.each([
    ['default', HISTORIES.default],
    ['wide', HISTORIES.wide],
  ])("every format's paced text is the one-stretch text, byte for byte, over %s histories", async (_, histories) => {
    let nonEmptyTables = 0;
    await fc.assert(
      fc.asyncProperty(
        histories,
        fc.constantFrom(...SUBJECTS, AFFILIATES[0]!, 'never-named'),
        fc.integer({ min: Date.UTC(2019, 11, 1), max: Date.UTC(2020, 3, 1) }),
        async (events, subject, at) => {
          const report = await reportOf(events, subject, at);
          nonEmptyTables += report.state.restricted.length + report.state.exemptions.length;
          for (const format of FORMATS)
            expect({ format, text: await pausedEverywhere(report, format) }).toEqual({
              format,
              text: UNPACED[format](report),
            });
          // The body of the report answered as JSON is what the framework's serialiser wrote before.
          expect(await renderJsonBody(report, 0)).toBe(JSON.stringify(report));
        },
      ),
      { numRuns: 40 },
    );
    expect(nonEmptyTables).toBeGreaterThan(0);
  });

  it.each([
    ['one imposition', 300, 300],
    ['broadenings', 300, 20],
  ])(
    "every format's paced text is the one-stretch text for a measure of many categories (%s)",
    async (_, total, perCommand) => {
      const built = await reportOf(manyCategories(total, perCommand), 'many-co', Date.UTC(2030, 0, 1));
      // A notice is only set on a report asked of a set-aside position; its text is written like any other.
      const report = { ...built, notice: 'A <notice> & *note*' };
      expect(report.categorySets.length + report.sharedExplanations.length).toBeGreaterThan(0);
      for (const format of FORMATS)
        expect({ format, text: await pausedEverywhere(report, format) }).toEqual({
          format,
          text: UNPACED[format](report),
        });
    },
  );

  // Before, each format was written in one stretch: a callback queued when rendering began ran only after it ended.
  // The slice is 0 ms so that the signal does not hang on the machine's speed: every pause the rendering offers is a
  // turn of the loop, and a large report offers many.
  it.each(FORMATS)('the loop turns while a large report is written as %s', async (format) => {
    const report = await reportOf(manyCategories(2_000, 100), 'many-co', Date.UTC(2030, 0, 1));
    let done = false;
    let turnsBeforeDone = 0;
    const turn = () => {
      if (done) return;
      turnsBeforeDone++;
      setImmediate(turn);
    };
    setImmediate(turn);
    const text = await Promise.resolve(renderReport(report, format, 0));
    done = true;
    expect(text).toBe(UNPACED[format](report));
    expect(turnsBeforeDone).toBeGreaterThan(100);
  });
});
