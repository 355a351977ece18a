/**
 * The report as Markdown. Every value taken from the ledger is escaped: the
 * HTML-significant characters become entities (so no raw `<` from the ledger
 * ever reaches a renderer), Markdown's inline control characters get a
 * backslash, a leading list or heading marker is defused, and line breaks
 * become spaces so a value cannot end its table row or start a block.
 */
import type { SubjectReport } from './report.js';
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

function table({ columns, rows }: Table, skip: string[] = []): string {
  const keep = columns.map((c, i) => (skip.includes(c.key) ? -1 : i)).filter((i) => i >= 0);
  const line = (cells: string[]) => `| ${keep.map((i) => cells[i]).join(' | ')} |`;
  return [
    line(columns.map((c) => c.label)),
    `|${keep.map(() => '---').join('|')}|`,
    ...rows.map((r) => line(r.map(markdownText))),
  ].join('\n');
}

const section = (title: string, t: Table, empty: string, skip?: string[]) => [
  `## ${title}`,
  '',
  t.rows.length ? table(t, skip) : empty,
  '',
];

export function reportMarkdown(report: SubjectReport): string {
  const md = markdownText;
  const summary = summaryTable(report);
  const lines = [
    `# Restriction report: ${md(report.subjectId)}`,
    '',
    `${md(question(report))}. Generated ${md(report.generatedAt)}.`,
    '',
    ...(report.subjectKnown
      ? []
      : [
          '**The ledger has never heard of this subject** (no event recorded up to this position names it): nothing restricts it as far as the ledger knows.',
          '',
        ]),
    ...(report.notice ? [`Note: ${md(report.notice)}`, ''] : []),
    '## Verdicts',
    '',
    report.categoriesFrom === 'asked'
      ? 'For the categories asked.'
      : "For every category of the subject's measures' scopes and exemptions.",
    '',
    ...(report.verdicts.length ? [] : ['No category to check.', '']),
    ...report.verdicts.flatMap((v) => [
      `### ${md(v.category)}: ${v.status}`,
      '',
      ...v.explanation.map(
        (step, i) =>
          `${i + 1}. ${md(step.sentence)}${step.events.length ? ` (positions ${step.events.map((e) => e.position).join(', ')})` : ''}`,
      ),
      '',
    ]),
    ...(report.sharedExplanations.length
      ? section(
          'Shared explanations (the steps many verdicts share, written once)',
          sharedExplanationsTable(report),
          '',
        )
      : []),
    ...section('Restricted', restrictedTable(report), 'Nothing restricts this subject.'),
    ...section('Exemptions', exemptionsTable(report), 'No exemption applies.'),
    ...section('Pending (announced, no legal effect)', pendingTable(report), 'Nothing announced is pending.'),
    ...section('Basis', basisTable(report), 'No event.', ['audit_path', 'event_id']),
    ...section('Timeline', timelineTable(report), 'Never restricted.'),
    ...(report.categorySets.length
      ? section('Category sets (each named set, listed once)', categorySetsTable(report), '')
      : []),
    '## Integrity',
    '',
    table(summary, [
      'subject',
      'at',
      'as_of',
      'as_of_position',
      'subject_known',
      'notice',
      'categories_from',
      'generated_at',
    ]),
    '',
    'Each basis event is a leaf of that Merkle tree (RFC 9162: leaf = SHA-256(0x00 || RFC 8785 JSON of the leaf), node = SHA-256(0x01 || left || right)); its audit path proves it:',
    '',
    ...report.basis.map(
      (e) =>
        `- ${md(e.eventId)} (leaf ${e.proof.leafIndex}): ${e.proof.auditPath.map((h) => `\`${h}\``).join(', ') || '(the tree is this one leaf)'}`,
    ),
    '',
  ];
  return lines.join('\n');
}
