/**
 * One report of a measure of many categories, built in process on an
 * in-memory store: the time to build it and to render each format, the
 * size of each, and the event loop's worst delay meanwhile.
 */
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { LogIntegrity } from '../src/integrity/log-integrity.js';
import { buildReport } from '../src/investigations/report.js';
import { renderReport, REPORT_FORMATS, type ReportFormatName } from '../src/investigations/report-render.js';
import { ReadModelService } from '../src/queries/read-model.service.js';
import { WriteWatermark } from '../src/write-watermark.js';
import { round } from './lib.js';

const MEASURE = 'many';

/** Watches the loop's turns with a 1 ms timer; `stop` gives the longest gap between two turns since. */
function watchLoop(): { stop: () => number } {
  let lastTurn = performance.now();
  let longest = 0;
  const turns = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - lastTurn);
    lastTurn = now;
  }, 1);
  return {
    stop: () => {
      clearInterval(turns);
      return Math.max(longest, performance.now() - lastTurn);
    },
  };
}
const SUBJECT = 'many-co';

/** `total` categories c0/x … named `perCommand` at a time: one imposition, then broadenings a day apart. */
export async function reportOfManyCategories(total: number, perCommand: number) {
  const store = new SqliteEventStore(':memory:');
  const watermark = new WriteWatermark();
  const names = Array.from({ length: total }, (_, i) => `c${i}/x`);
  const append = (type: string, data: object) =>
    store.append(`measure-${MEASURE}`, [{ eventId: randomUUID(), type, data, metadata: { actor: 'bench' } }], 'any');
  const day = (n: number) => new Date(Date.UTC(2019, 0, 1) + n * 86_400_000).toISOString();
  let position = (
    await append('RestrictionImposed', {
      measureId: MEASURE,
      title: 'many',
      jurisdiction: 'US',
      authority: 'BIS',
      subjects: [SUBJECT],
      categories: names.slice(0, perCommand),
      effectiveFrom: day(0),
      citation: 'bench',
    })
  ).position;
  for (let i = perCommand, n = 1; i < total; i += perCommand, n++) {
    position = (
      await append('ScopeBroadened', {
        measureId: MEASURE,
        categories: names.slice(i, i + perCommand),
        effectiveFrom: day(n),
        citation: `bench ${n}`,
      })
    ).position;
  }
  watermark.advance(position);
  const readModel = new ReadModelService(store, watermark);
  await readModel.start();
  const model = await readModel.current();
  const integrity = new LogIntegrity(false);
  for (const event of await store.readAll()) integrity.add(event);

  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  // The longest stretch the loop was held: the gap between two turns of a timer.
  const holds = watchLoop();
  const started = performance.now();
  const knowledge = { at: Date.now(), asOfPosition: model.position, asOf: new Date().toISOString() };
  const report = await buildReport(model, store, integrity, SUBJECT, knowledge, new Date());
  const buildMs = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 5));
  const buildLongestHold = holds.stop();
  const formats: Record<string, { ms: number; bytes: number; longestHoldMs: number; countBytesMs: number }> = {};
  for (const format of Object.keys(REPORT_FORMATS) as ReportFormatName[]) {
    const renderHolds = watchLoop();
    const t = performance.now();
    const text = await renderReport(report, format);
    const ms = performance.now() - t;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const longestHoldMs = round(renderHolds.stop(), 1);
    // Counting the bytes reads the whole text (joining its pieces), as sending it would: measured apart.
    const counted = performance.now();
    const bytes = Buffer.byteLength(text);
    formats[format] = { ms: round(ms, 1), bytes, longestHoldMs, countBytesMs: round(performance.now() - counted, 1) };
  }
  await new Promise((resolve) => setTimeout(resolve, 20)); // a blocked loop's delay is sampled when its timer next runs
  histogram.disable();
  await readModel.stop();
  await store.close();
  return {
    commands: Math.ceil(total / perCommand),
    buildMs: round(buildMs, 1),
    formats,
    buildLongestHoldMs: round(buildLongestHold, 1),
    worstLoopDelayMs: round(histogram.max / 1e6, 1),
  };
}
