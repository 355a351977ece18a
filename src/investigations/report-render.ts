/**
 * The formats a report is served and exported in: JSON, Markdown, one
 * self-contained printable HTML file, or a multi-section CSV. A large report's
 * text takes long to write, so each format is written in parts (a rendering
 * pauses between rows) and `renderReport` lets the loop run between slices.
 */
import { DEFAULT_SLICE_MS, finishPaced } from '../pacer.js';
import type { AnsweredReport } from './answered-report.js';
import { reportCsv } from './report-csv.js';
import { reportHtml } from './report-html.js';
import { reportJson, reportJsonBody } from './report-json.js';
import { reportMarkdown } from './report-markdown.js';
import { renderAtOnce, type Rendering } from './report-text.js';

export { reportCsv, reportHtml, reportJson, reportJsonBody, reportMarkdown, renderAtOnce, type Rendering };

export const REPORT_FORMATS = {
  json: { contentType: 'application/json', extension: 'json', render: reportJson },
  md: { contentType: 'text/markdown; charset=utf-8', extension: 'md', render: reportMarkdown },
  html: { contentType: 'text/html; charset=utf-8', extension: 'html', render: reportHtml },
  csv: { contentType: 'text/csv; charset=utf-8', extension: 'csv', render: reportCsv },
} as const satisfies Record<
  string,
  { contentType: string; extension: string; render: (r: AnsweredReport) => Rendering }
>;

export type ReportFormatName = keyof typeof REPORT_FORMATS;

/** Own keys only: `toString` or `__proto__` is not a format. */
export const isReportFormat = (value: string): value is ReportFormatName => Object.hasOwn(REPORT_FORMATS, value);

/** The report's text in a format, written in paced slices so that no stretch holds the loop longer than `sliceMs`. */
export function renderReport(
  report: AnsweredReport,
  format: ReportFormatName,
  sliceMs = DEFAULT_SLICE_MS,
): Promise<string> {
  return finishPaced(REPORT_FORMATS[format].render(report), sliceMs);
}

/** The report answered as JSON (`JSON.stringify(report)`), written in paced slices like the other formats. */
export function renderJsonBody(report: AnsweredReport, sliceMs = DEFAULT_SLICE_MS): Promise<string> {
  return finishPaced(reportJsonBody(report), sliceMs);
}

/** `regledger-<subject>-<at date>-<asOfPosition>.<ext>`: the subject is an id, so the name needs no quoting beyond its quotes. */
export function reportFileName(report: AnsweredReport, format: ReportFormatName): string {
  return `regledger-${report.subjectId}-${report.at.slice(0, 10)}-${report.asOfPosition}.${REPORT_FORMATS[format].extension}`;
}
