/**
 * The report as Markdown. Every value taken from the ledger is escaped: the
 * HTML-significant characters become entities (so no raw `<` from the ledger
 * ever reaches a renderer), Markdown's inline control characters get a
 * backslash, a leading list or heading marker is defused, and line breaks
 * become spaces so a value cannot end its table row or start a block.
 */
import type { AnsweredReport } from './answered-report.js';
import {
  basisTable,
  categorySetsTable,
  sharedExplanationsTable,
  exemptionsTable,
  pendingTable,
  question,
  restrictedTable,
  summaryTable,
  timelineTable,
  type Table,
} from './report-tables.js';
import { ReportText, type Rendering } from './report-text.js';

export function markdownText(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]#+|~$]/g, '\\$&')
    .replace(/[\r\n]+/g, ' ')
    .replace(/^(\s*)(-|\d+(?=[.)]))/, (_, space: string, marker: string) =>
      marker === '-' ? `${space}\\-` : `${space}${marker}\\`,
    );
}

/** Writes lines, each ended by a line break, pausing after each row of a table and each verdict. */
class MarkdownLines {
  constructor(private readonly out: ReportText) {}

  add(...lines: string[]): void {
    for (const line of lines) this.out.add(line, '\n');
  }

  *table({ columns, size, row }: Table, skip: string[] = []): Generator<void, void> {
    const keep = columns.map((c, i) => (skip.includes(c.key) ? -1 : i)).filter((i) => i >= 0);
    const line = (cells: string[]) => `| ${keep.map((i) => cells[i]).join(' | ')} |`;
    this.add(line(columns.map((c) => c.label)), `|${keep.map(() => '---').join('|')}|`);
    for (let r = 0; r < size; r++) {
      this.add(line(row(r).map(markdownText)));
      yield;
    }
  }

  *section(title: string, t: Table, empty: string, skip?: string[]): Generator<void, void> {
    this.add(`## ${title}`, '');
    if (t.size) yield* this.table(t, skip);
    else this.add(empty);
    this.add('');
  }
}

/** The Markdown, pausing after each verdict and each table row. */
export function* reportMarkdown(report: AnsweredReport): Rendering {
  const md = markdownText;
  const out = new ReportText();
  const lines = new MarkdownLines(out);
  lines.add(
    `# Restriction report: ${md(report.subjectId)}`,
    '',
    `${md(question(report))}. Generated ${md(report.generatedAt)}.`,
    '',
  );
  if (!report.subjectKnown)
    lines.add(
      '**The ledger has never heard of this subject** (no event recorded up to this position names it): nothing restricts it as far as the ledger knows.',
      '',
    );
  if (report.notice) lines.add(`Note: ${md(report.notice)}`, '');
  lines.add(
    '## Verdicts',
    '',
    report.categoriesFrom === 'asked'
      ? 'For the categories asked.'
      : "For every category of the subject's measures' scopes and exemptions.",
    '',
  );
  if (!report.verdicts.length) lines.add('No category to check.', '');
  for (const v of report.verdicts) {
    lines.add(
      `### ${md(v.category)}: ${v.status}`,
      '',
      ...v.explanation.map(
        (step, i) =>
          `${i + 1}. ${md(step.sentence)}${step.events.length ? ` (positions ${step.events.map((e) => e.position).join(', ')})` : ''}`,
      ),
      '',
    );
    yield;
  }
  if (report.sharedExplanations.length)
    yield* lines.section(
      'Shared explanations (the steps many verdicts share, written once)',
      sharedExplanationsTable(report),
      '',
    );
  yield* lines.section('Restricted', restrictedTable(report), 'Nothing restricts this subject.');
  yield* lines.section('Exemptions', exemptionsTable(report), 'No exemption applies.');
  yield* lines.section('Pending (announced, no legal effect)', pendingTable(report), 'Nothing announced is pending.');
  yield* lines.section('Basis', basisTable(report), 'No event.', ['audit_path', 'event_id']);
  yield* lines.section('Timeline', timelineTable(report), 'Never restricted.');
  if (report.categorySets.length)
    yield* lines.section('Category sets (each named set, listed once)', categorySetsTable(report), '');
  lines.add('## Integrity', '');
  yield* lines.table(summaryTable(report), [
    'subject',
    'at',
    'as_of',
    'as_of_position',
    'subject_known',
    'notice',
    'categories_from',
    'generated_at',
  ]);
  lines.add(
    '',
    'Each basis event is a leaf of that Merkle tree (RFC 9162: leaf = SHA-256(0x00 || RFC 8785 JSON of the leaf), node = SHA-256(0x01 || left || right)); its audit path proves it:',
    '',
  );
  for (const e of report.basis) {
    lines.add(
      `- ${md(e.eventId)} (leaf ${e.proof.leafIndex}): ${e.proof.auditPath.map((h) => `\`${h}\``).join(', ') || '(the tree is this one leaf)'}`,
    );
    yield;
  }
  // The text ends with the line break of its last line (the lines were joined by breaks, ending with an empty one).
  return out.toString();
}
