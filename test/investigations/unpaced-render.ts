/**
 * The report's renderings as they were written before pacing, each in one
 * stretch over the same table rows: the reference the paced renderings must
 * equal byte for byte.
 */
import type { ReportBasisEvent, SubjectReport } from '../../src/investigations/report.js';
import { csvCell } from '../../src/investigations/report-csv.js';
import { escapeHtml } from '../../src/investigations/report-html.js';
import { markdownText } from '../../src/investigations/report-markdown.js';
import * as tables from '../../src/investigations/report-tables.js';

/** The table with every row built, as the renderers had it. */
interface Table {
  section: string;
  columns: tables.Column[];
  rows: string[][];
}
const built =
  <A extends unknown[]>(make: (...args: A) => tables.Table) =>
  (...args: A): Table => {
    const table = make(...args);
    return { section: table.section, columns: table.columns, rows: tables.tableRows(table) };
  };
const summaryTable = built(tables.summaryTable);
const sharedExplanationsTable = built(tables.sharedExplanationsTable);
const restrictedTable = built(tables.restrictedTable);
const exemptionsTable = built(tables.exemptionsTable);
const pendingTable = built(tables.pendingTable);
const basisTable = built(tables.basisTable);
const timelineTable = built(tables.timelineTable);
const categorySetsTable = built(tables.categorySetsTable);
const reportTables = (report: SubjectReport) => tables.reportTables(report).map(built((t: tables.Table) => t));
const { question } = tables;

export const unpacedJson = (report: SubjectReport) => `${JSON.stringify(report, null, 2)}\n`;

export function unpacedCsv(report: SubjectReport): string {
  const row = (cells: string[]) => `${cells.map(csvCell).join(',')}\r\n`;
  return reportTables(report)
    .map((table) => `# ${table.section}\r\n${row(table.columns.map((c) => c.key))}${table.rows.map(row).join('')}`)
    .join('\r\n');
}

function mdTable({ columns, rows }: Table, skip: string[] = []): string {
  const keep = columns.map((c, i) => (skip.includes(c.key) ? -1 : i)).filter((i) => i >= 0);
  const line = (cells: string[]) => `| ${keep.map((i) => cells[i]).join(' | ')} |`;
  return [
    line(columns.map((c) => c.label)),
    `|${keep.map(() => '---').join('|')}|`,
    ...rows.map((r) => line(r.map(markdownText))),
  ].join('\n');
}

const mdSection = (title: string, t: Table, empty: string, skip?: string[]) => [
  `## ${title}`,
  '',
  t.rows.length ? mdTable(t, skip) : empty,
  '',
];

export function unpacedMarkdown(report: SubjectReport): string {
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
      ? mdSection(
          'Shared explanations (the steps many verdicts share, written once)',
          sharedExplanationsTable(report),
          '',
        )
      : []),
    ...mdSection('Restricted', restrictedTable(report), 'Nothing restricts this subject.'),
    ...mdSection('Exemptions', exemptionsTable(report), 'No exemption applies.'),
    ...mdSection('Pending (announced, no legal effect)', pendingTable(report), 'Nothing announced is pending.'),
    ...mdSection('Basis', basisTable(report), 'No event.', ['audit_path', 'event_id']),
    ...mdSection('Timeline', timelineTable(report), 'Never restricted.'),
    ...(report.categorySets.length
      ? mdSection('Category sets (each named set, listed once)', categorySetsTable(report), '')
      : []),
    '## Integrity',
    '',
    mdTable(summary, [
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

/** A table whose cells are escaped, except those a column renderer writes itself from escaped parts. */
function htmlTable(
  { columns, rows }: Table,
  options: { skip?: string[]; cell?: Record<string, (row: number) => string>; rowClass?: string } = {},
): string {
  const keep = columns.map((c, i) => (options.skip?.includes(c.key) ? -1 : i)).filter((i) => i >= 0);
  const head = keep.map((i) => `<th>${escapeHtml(columns[i]!.label)}</th>`).join('');
  const body = rows
    .map(
      (cells, r) =>
        `<tr${options.rowClass ? ` class="${options.rowClass}"` : ''}>${keep.map((i) => `<td>${options.cell?.[columns[i]!.key]?.(r) ?? escapeHtml(cells[i]!)}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const htmlSection = (title: string, t: Table, empty: string, options?: Parameters<typeof htmlTable>[1]) =>
  `<h2>${title}</h2>\n${t.rows.length ? htmlTable(t, options) : `<p>${empty}</p>`}`;

const sources = (e: ReportBasisEvent) =>
  (e.sources ?? [])
    .map(
      (s) =>
        (s.url ? `<a href="${escapeHtml(s.url)}">${escapeHtml(s.title ?? s.url)}</a>` : escapeHtml(s.title ?? '')) +
        (s.publishedAt ? ` <span class="muted">(${escapeHtml(s.publishedAt.slice(0, 10))})</span>` : ''),
    )
    .join('<br>');

function verdicts(report: SubjectReport): string {
  const intro =
    report.categoriesFrom === 'asked'
      ? 'For the categories asked.'
      : "For every category of the subject's measures' scopes and exemptions.";
  const each = report.verdicts.map(
    (v) =>
      `<h3>${escapeHtml(v.category)}: <span class="${v.status}">${v.status}</span></h3>\n<ol>${v.explanation
        .map(
          (step) =>
            `<li>${escapeHtml(step.sentence)}${step.events.length ? ` <span class="muted">(positions ${step.events.map((e) => escapeHtml(e.position)).join(', ')})</span>` : ''}</li>`,
        )
        .join('')}</ol>`,
  );
  return `<h2>Verdicts</h2>\n<p class="muted">${intro}</p>\n${each.join('\n') || '<p>No category to check.</p>'}`;
}

export function unpacedHtml(report: SubjectReport): string {
  const basis = basisTable(report);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Restriction report: ${escapeHtml(report.subjectId)}</title>
<style>
  body { font: 11pt/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #111; margin: 2em auto; max-width: 60em; padding: 0 1em; }
  h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #999; } h3 { font-size: 1em; margin-bottom: 0.2em; }
  table { border-collapse: collapse; width: 100%; margin: 0.5em 0; } th, td { border: 1px solid #bbb; padding: 0.25em 0.45em; text-align: left; vertical-align: top; }
  th { background: #eee; } .muted { color: #555; } code, .hash { font-family: ui-monospace, Menlo, monospace; font-size: 0.85em; word-break: break-all; }
  .restricted, tr.restricted td:first-child { color: #a00; font-weight: 600; } .not-restricted, tr.exemption td:first-child { color: #060; font-weight: 600; } .partially-restricted { color: #a60; font-weight: 600; }
  @media print { body { margin: 0; max-width: none; } a { color: inherit; } h2, h3 { break-after: avoid; } tr, li { break-inside: avoid; } }
</style>
</head>
<body>
<h1>Restriction report: ${escapeHtml(report.subjectId)}</h1>
<p>${escapeHtml(question(report))}.<br><span class="muted">Generated ${escapeHtml(report.generatedAt)} by regledger.</span></p>
${report.subjectKnown ? '' : '<p><strong>The ledger has never heard of this subject</strong> (no event recorded up to this position names it): nothing restricts it as far as the ledger knows.</p>'}
${report.notice ? `<p><strong>Note:</strong> ${escapeHtml(report.notice)}</p>` : ''}
${verdicts(report)}
${report.sharedExplanations.length ? htmlSection('Shared explanations (the steps many verdicts share, written once)', sharedExplanationsTable(report), '') : ''}
${htmlSection('Restricted', restrictedTable(report), 'Nothing restricts this subject.', { rowClass: 'restricted' })}
${htmlSection('Exemptions', exemptionsTable(report), 'No exemption applies.', { rowClass: 'exemption' })}
${htmlSection('Pending (announced, no legal effect)', pendingTable(report), 'Nothing announced is pending.')}
${htmlSection('Basis', basis, 'No event.', { skip: ['event_id', 'leaf_index', 'audit_path'], cell: { sources: (r) => sources(report.basis[r]!) } })}
${htmlSection('Timeline', timelineTable(report), 'Never restricted.')}
${report.categorySets.length ? htmlSection('Category sets (each named set, listed once)', categorySetsTable(report), '') : ''}
<h2>Integrity</h2>
<p>Ledger digest: tree size ${report.digest.treeSize}, up to position ${escapeHtml(report.digest.position)}, root hash <span class="hash">${escapeHtml(report.digest.rootHash)}</span>.</p>
<p class="muted">Each basis event is a leaf of the ledger's Merkle tree (RFC 9162: leaf = SHA-256(0x00 || RFC 8785 JSON of the leaf), node = SHA-256(0x01 || left || right)). Its audit path below proves it is in the tree of that root.</p>
${htmlTable(basis, { skip: basis.columns.map((c) => c.key).filter((k) => !['event_id', 'leaf_index', 'audit_path'].includes(k)), cell: { event_id: (r) => `<span class="hash">${escapeHtml(report.basis[r]!.eventId)}</span>`, audit_path: (r) => `<span class="hash">${report.basis[r]!.proof.auditPath.map(escapeHtml).join('<br>') || '—'}</span>` } })}
</body>
</html>
`;
}
