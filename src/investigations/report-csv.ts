/**
 * The report as one multi-section CSV (RFC 4180, CRLF line ends): each
 * section is a `# <name>` line, a header row of named columns, and its rows;
 * a blank line separates sections. Every value taken from the ledger is
 * neutralised against spreadsheet formula injection (OWASP): a cell starting
 * with = + - @ TAB or CR gets a leading single quote, and any cell holding a
 * quote, comma, line break, `#` or `'` is quoted, so that readers with a
 * comment character never cut a value short.
 */
import type { AnsweredReport } from './answered-report.js';
import { reportTables } from './report-tables.js';
import { ReportText, type Rendering } from './report-text.js';

/** Characters a spreadsheet reads as the start of a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n#']|^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The CSV, pausing after each row. */
export function* reportCsv(report: AnsweredReport): Rendering {
  const out = new ReportText();
  const row = (cells: string[]) => `${cells.map(csvCell).join(',')}\r\n`;
  for (const [n, table] of reportTables(report).entries()) {
    out.add(n ? '\r\n' : '', `# ${table.section}\r\n`, row(table.columns.map((c) => c.key)));
    for (let r = 0; r < table.size; r++) {
      out.add(row(table.row(r)));
      yield;
    }
  }
  return out.toString();
}
