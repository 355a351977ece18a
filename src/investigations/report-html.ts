/**
 * The report as one self-contained printable HTML file: no script, no
 * external resource, and every value taken from the ledger escaped.
 */
import type { ReportBasisEvent } from './report.js';
import type { AnsweredReport } from './answered-report.js';
import {
  basisTable,
  categorySetsTable,
  sharedExplanationsTable,
  exemptionsTable,
  pendingTable,
  question,
  restrictedTable,
  timelineTable,
  type Table,
} from './report-tables.js';
import { ReportText, type Rendering } from './report-text.js';

export const escapeHtml = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

type TableOptions = { skip?: string[]; cell?: Record<string, (row: number) => string>; rowClass?: string };

/** A table whose cells are escaped, except those a column renderer writes itself from escaped parts; pauses after each row. */
function* table(out: ReportText, { columns, size, row }: Table, options: TableOptions = {}): Generator<void, void> {
  const keep = columns.map((c, i) => (options.skip?.includes(c.key) ? -1 : i)).filter((i) => i >= 0);
  const head = keep.map((i) => `<th>${escapeHtml(columns[i]!.label)}</th>`).join('');
  out.add(`<table><thead><tr>${head}</tr></thead><tbody>`);
  for (let r = 0; r < size; r++) {
    const cells = row(r);
    out.add(
      `<tr${options.rowClass ? ` class="${options.rowClass}"` : ''}>${keep.map((i) => `<td>${options.cell?.[columns[i]!.key]?.(r) ?? escapeHtml(cells[i]!)}</td>`).join('')}</tr>`,
    );
    yield;
  }
  out.add('</tbody></table>');
}

/** A titled section and a line break after it. */
function* section(
  out: ReportText,
  title: string,
  t: Table,
  empty: string,
  options?: TableOptions,
): Generator<void, void> {
  out.add(`<h2>${title}</h2>\n`);
  if (t.size) yield* table(out, t, options);
  else out.add(`<p>${empty}</p>`);
  out.add('\n');
}

const sources = (e: ReportBasisEvent) =>
  (e.sources ?? [])
    .map(
      (s) =>
        (s.url ? `<a href="${escapeHtml(s.url)}">${escapeHtml(s.title ?? s.url)}</a>` : escapeHtml(s.title ?? '')) +
        (s.publishedAt ? ` <span class="muted">(${escapeHtml(s.publishedAt.slice(0, 10))})</span>` : ''),
    )
    .join('<br>');

function* verdicts(out: ReportText, report: AnsweredReport): Generator<void, void> {
  const intro =
    report.categoriesFrom === 'asked'
      ? 'For the categories asked.'
      : "For every category of the subject's measures' scopes and exemptions.";
  out.add(`<h2>Verdicts</h2>\n<p class="muted">${intro}</p>\n`);
  if (!report.verdicts.length) out.add('<p>No category to check.</p>');
  for (const [n, v] of report.verdicts.entries()) {
    out.add(
      `${n ? '\n' : ''}<h3>${escapeHtml(v.category)}: <span class="${v.status}">${v.status}</span></h3>\n<ol>${v.explanation
        .map(
          (step) =>
            `<li>${escapeHtml(step.sentence)}${step.events.length ? ` <span class="muted">(positions ${step.events.map((e) => escapeHtml(e.position)).join(', ')})</span>` : ''}</li>`,
        )
        .join('')}</ol>`,
    );
    yield;
  }
  out.add('\n');
}

/** The HTML, pausing after each verdict and each table row. */
export function* reportHtml(report: AnsweredReport): Rendering {
  const out = new ReportText();
  const basis = basisTable(report);
  out.add(`<!doctype html>
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
`);
  yield* verdicts(out, report);
  if (report.sharedExplanations.length)
    yield* section(
      out,
      'Shared explanations (the steps many verdicts share, written once)',
      sharedExplanationsTable(report),
      '',
    );
  else out.add('\n');
  yield* section(out, 'Restricted', restrictedTable(report), 'Nothing restricts this subject.', {
    rowClass: 'restricted',
  });
  yield* section(out, 'Exemptions', exemptionsTable(report), 'No exemption applies.', { rowClass: 'exemption' });
  yield* section(out, 'Pending (announced, no legal effect)', pendingTable(report), 'Nothing announced is pending.');
  yield* section(out, 'Basis', basis, 'No event.', {
    skip: ['event_id', 'leaf_index', 'audit_path'],
    cell: { sources: (r) => sources(report.basis[r]!) },
  });
  yield* section(out, 'Timeline', timelineTable(report), 'Never restricted.');
  if (report.categorySets.length)
    yield* section(out, 'Category sets (each named set, listed once)', categorySetsTable(report), '');
  else out.add('\n');
  out.add(`<h2>Integrity</h2>
<p>Ledger digest: tree size ${report.digest.treeSize}, up to position ${escapeHtml(report.digest.position)}, root hash <span class="hash">${escapeHtml(report.digest.rootHash)}</span>.</p>
<p class="muted">Each basis event is a leaf of the ledger's Merkle tree (RFC 9162: leaf = SHA-256(0x00 || RFC 8785 JSON of the leaf), node = SHA-256(0x01 || left || right)). Its audit path below proves it is in the tree of that root.</p>
`);
  yield* table(out, basis, {
    skip: basis.columns.map((c) => c.key).filter((k) => !['event_id', 'leaf_index', 'audit_path'].includes(k)),
    cell: {
      event_id: (r) => `<span class="hash">${escapeHtml(report.basis[r]!.eventId)}</span>`,
      audit_path: (r) =>
        `<span class="hash">${report.basis[r]!.proof.auditPath.map(escapeHtml).join('<br>') || '—'}</span>`,
    },
  });
  out.add('\n</body>\n</html>\n');
  return out.toString();
}
