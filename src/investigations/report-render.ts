/**
 * The formats a report is served and exported in: JSON, Markdown, one
 * self-contained printable HTML file, or a multi-section CSV.
 */
import type { SubjectReport } from './report.js';
import { reportCsv } from './report-csv.js';
import { reportHtml } from './report-html.js';
import { reportMarkdown } from './report-markdown.js';

export { reportCsv, reportHtml, reportMarkdown };

export const REPORT_FORMATS = {
  json: {
    contentType: 'application/json',
    extension: 'json',
    render: (report: SubjectReport) => `${JSON.stringify(report, null, 2)}\n`,
  },
  md: { contentType: 'text/markdown; charset=utf-8', extension: 'md', render: reportMarkdown },
  html: { contentType: 'text/html; charset=utf-8', extension: 'html', render: reportHtml },
  csv: { contentType: 'text/csv; charset=utf-8', extension: 'csv', render: reportCsv },
} as const;

export type ReportFormatName = keyof typeof REPORT_FORMATS;

/** Own keys only: `toString` or `__proto__` is not a format. */
export const isReportFormat = (value: string): value is ReportFormatName => Object.hasOwn(REPORT_FORMATS, value);

/** `regledger-<subject>-<at date>-<asOfPosition>.<ext>`: the subject is an id, so the name needs no quoting beyond its quotes. */
export function reportFileName(report: SubjectReport, format: ReportFormatName): string {
  return `regledger-${report.subjectId}-${report.at.slice(0, 10)}-${report.asOfPosition}.${REPORT_FORMATS[format].extension}`;
}
