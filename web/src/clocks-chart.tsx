/**
 * The two clocks, drawn with Observable Plot: valid time across, record time
 * up (one row per record of the subject's measures), each row what was in
 * force as known at that record; outlined where that record changed the
 * picture. The selected (T, K) is marked; a click on the chart moves it.
 */
import * as Plot from '@observablehq/plot';
import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson, query } from './api.js';
import { allBands, changedSpans, clipped, STATUSES, validDomain, type Band, type KnowledgeRow } from './chart-data.js';
import { navigate } from './router.js';
import { questionUrl, type Question } from './question.js';
import type { ReplayAnswer } from './types.js';

/** At most this many records are drawn (the latest): each is one request. */
const MAX_ROWS = 40;

const COLORS: Record<string, string> = {
  restricted: '#b3261e',
  'partially restricted': '#e8a33d',
  exempt: '#2e7d32',
  free: '#e6e6e6',
};

const rowLabel = (r: ReplayAnswer['steps'][number], i: number) => `${i + 1}. @${r.position} ${r.citation ?? r.type}`;

export function ClocksChart({
  question,
  records,
  version,
}: {
  question: Question;
  records: ReplayAnswer['steps'];
  version: number;
}) {
  const [rows, setRows] = useState<KnowledgeRow[]>();
  const [error, setError] = useState<string>();
  const figure = useRef<HTMLDivElement>(null);
  const shown = records.slice(-MAX_ROWS);
  const offset = records.length - shown.length;
  const key = shown.map((r) => r.position).join(',');

  useEffect(() => {
    if (!shown.length) return;
    const controller = new AbortController();
    Promise.all(
      shown.map(async (record, i) => {
        const replay = await getJson<ReplayAnswer>(
          `/v1/subjects/${encodeURIComponent(question.subjectId)}/replay${query({ order: 'valid', asOfPosition: record.position! })}`,
          controller.signal,
        );
        return {
          position: record.position!,
          recordedAt: record.recordedAt ?? '',
          label: rowLabel(record, offset + i),
          steps: replay.steps,
        };
      }),
    ).then(setRows, (e: Error) => e.name !== 'AbortError' && setError(e.message));
    return () => controller.abort();
  }, [question.subjectId, key, version]);

  const selectedT = question.at
    ? Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(question.at) ? `${question.at}T00:00:00Z` : question.at)
    : Date.now();
  const selectedRow =
    rows &&
    (question.asOfPosition
      ? rows.findIndex((r) => r.position === question.asOfPosition)
      : question.asOf
        ? -1
        : rows.length - 1);

  useEffect(() => {
    const host = figure.current;
    if (!host || !rows?.length) return;
    const bands = allBands(rows, question.category);
    const domain = validDomain(bands, selectedT);
    const labels = rows.map((r) => r.label);
    const marks: Plot.Markish[] = [
      Plot.barX(clipped(bands, domain), {
        x1: 'x1',
        x2: 'x2',
        y: 'label',
        fill: 'status',
        title: (b: Band) => `${b.label}: ${b.status}`,
      }),
      Plot.barX(clipped(changedSpans(rows, question.category), domain), {
        x1: 'x1',
        x2: 'x2',
        y: 'label',
        stroke: 'currentColor',
        strokeWidth: 2,
        fill: 'none',
        insetTop: 1,
        insetBottom: 1,
      }),
      Plot.ruleX([new Date(selectedT)], { stroke: 'currentColor', strokeDasharray: '4,3' }),
    ];
    if (selectedRow !== undefined && selectedRow >= 0)
      marks.push(
        Plot.dot([{ x: new Date(selectedT), y: labels[selectedRow] }], {
          x: 'x',
          y: 'y',
          r: 6,
          fill: 'white',
          stroke: 'currentColor',
          strokeWidth: 2,
        }),
      );
    const chart = Plot.plot({
      width: Math.max(320, host.clientWidth || 720),
      marginLeft: 150,
      height: 40 + rows.length * 26,
      x: { type: 'utc', domain: domain.map((t) => new Date(t)), label: 'valid time →', grid: true },
      y: { type: 'band', domain: [...labels].reverse(), label: '↑ as known at record' },
      color: { domain: STATUSES, range: STATUSES.map((s) => COLORS[s]!), legend: true },
      marks,
    });
    // One image with one description: Plot's labels on its parts would be ARIA on elements without a role.
    chart
      .querySelectorAll('[aria-label], [aria-description]')
      .forEach((el) => (el.removeAttribute('aria-label'), el.removeAttribute('aria-description')));
    chart.setAttribute('role', 'img');
    chart.setAttribute(
      'aria-label',
      `Valid time across, record time up: what was in force for ${question.subjectId}${question.category ? ` (${question.category})` : ''} as known at each of ${rows.length} records`,
    );
    // With a legend, Plot answers a figure holding the legend's swatches and then the chart's own svg.
    const svg =
      chart.tagName.toLowerCase() === 'svg'
        ? chart
        : [...chart.children].find((c) => c.tagName.toLowerCase() === 'svg');
    svg?.addEventListener('click', (event: Event) => {
      const { clientX, clientY } = event as MouseEvent;
      const x = chart.scale('x');
      const y = chart.scale('y');
      if (!x?.invert || !y?.apply || !y.bandwidth) return;
      const box = (svg as SVGSVGElement).getBoundingClientRect();
      const scaleX = (svg as SVGSVGElement).viewBox.baseVal?.width
        ? (svg as SVGSVGElement).viewBox.baseVal.width / box.width
        : 1;
      const px = (clientX - box.left) * scaleX;
      const py = (clientY - box.top) * scaleX;
      const t = x.invert(px) as Date;
      const label = labels.find((l) => {
        const top = y.apply(l) as number;
        return py >= top && py < top + y.bandwidth!;
      });
      const row = rows.find((r) => r.label === label);
      if (!(t instanceof Date) || Number.isNaN(t.getTime())) return;
      navigate(
        questionUrl({
          ...question,
          at: t.toISOString().slice(0, 10),
          asOf: undefined,
          asOfPosition: row?.position ?? question.asOfPosition,
        }),
      );
    });
    host.replaceChildren(chart);
    return () => host.replaceChildren();
  }, [rows, question.category, selectedT, selectedRow]);

  return (
    <section class="clocks-chart" aria-labelledby="chart-title">
      <h2 id="chart-title">The two clocks</h2>
      <p class="hint">
        Each row is what the ledger said over valid time as known at one of its records (the latest on top); an outline
        marks where that record changed the picture. The dashed line and the ring are the question asked; click the
        chart to ask at another valid time and record.
      </p>
      {error && <p role="alert">{error}</p>}
      {records.length > MAX_ROWS && (
        <p>
          Showing the latest {MAX_ROWS} of {records.length} records.
        </p>
      )}
      <div ref={figure} class="figure" />
    </section>
  );
}
