/**
 * A subject report as Markdown, as one self-contained printable HTML file
 * (no script, no external resource), or as CSV (one row per element of the
 * state and per basis event).
 */
import type { ReportBasisEvent, SubjectReport } from './report.js';

const setText = (categories: string[], except: string[] = []) => (categories.length ? categories.join(', ') : '—') + (except.length ? ` except ${except.join(', ')}` : '');
const citations = (report: SubjectReport, basis: { eventId: string }[]) =>
  basis.map((b) => report.basis.find((e) => e.eventId === b.eventId)?.citation).filter((c): c is string => !!c).join('; ');

interface Row {
  kind: string;
  measure: string;
  name: string;
  categories: string;
  from: string;
  until: string;
  citations: string;
}

function stateRows(report: SubjectReport): Row[] {
  const { state } = report;
  return [
    ...state.restricted.map((r) => ({ kind: 'restricted', measure: r.measureId, name: r.title, categories: setText(r.categories, r.except), from: '', until: '', citations: citations(report, r.basis) })),
    ...state.exemptions.map((e) => ({ kind: 'exemption', measure: e.measureId, name: `${e.exemptionId}: ${e.title}`, categories: setText(e.categories, e.except), from: e.effectiveFrom, until: e.effectiveUntil ?? '', citations: citations(report, e.basis) })),
    ...state.pending.map((p) => ({ kind: `pending ${p.kind}`, measure: p.measureId, name: p.statement, categories: setText(p.categories ?? []), from: p.announcedAt, until: '', citations: citations(report, p.basis) })),
  ];
}

function question(report: SubjectReport): string {
  return `${report.subjectId} at ${report.at}, as recorded up to ${report.asOf} (ledger position ${report.asOfPosition})`;
}

const sourceText = (e: ReportBasisEvent) => (e.sources ?? []).map((s) => [s.title, s.url, s.publishedAt ? `published ${s.publishedAt}` : undefined].filter(Boolean).join(', ')).join('; ');

export function reportMarkdown(report: SubjectReport): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const table = (header: string[], rows: string[][]) => [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
  const lines = [
    `# Restriction report: ${report.subjectId}`,
    '',
    `${question(report)}. Generated ${report.generatedAt}.${report.notice ? `\n\nNote: ${report.notice}` : ''}`,
    '',
    '## State',
    '',
    stateRows(report).length ? table(['kind', 'measure', 'what', 'categories', 'from', 'until', 'citations'], stateRows(report).map((r) => [r.kind, r.measure, r.name, r.categories, r.from, r.until, r.citations])) : 'Nothing restricts this subject.',
    '',
    '## Basis',
    '',
    table(['position', 'recorded', 'event', 'measure', 'citation', 'sources', 'recorded by'], report.basis.map((e) => [e.position, e.recordedAt, e.type, e.measureId, e.citation ?? '', sourceText(e), e.actor ?? ''])),
    '',
    '## Timeline',
    '',
    table(['from', 'until', 'restricted', 'why'], report.timeline.intervals.map((i) => [i.from, i.until ?? '', i.restricted.map((r) => `${r.measureId}: ${setText(r.categories, r.except)}`).join('; ') || 'nothing', i.changes.map((c) => `${c.type}${c.citation ? ` (${c.citation})` : ''}`).join(', ')])),
    '',
    '## Integrity',
    '',
    `Ledger digest: tree size ${report.digest.treeSize}, root hash \`${report.digest.rootHash}\`, up to position ${report.digest.position}.`,
    'Each basis event is a leaf of that Merkle tree (RFC 9162: leaf = SHA-256(0x00 || RFC 8785 JSON of the leaf), node = SHA-256(0x01 || left || right)); its audit path proves it:',
    '',
    ...report.basis.map((e) => `- ${e.eventId} (leaf ${e.proof.leafIndex}): ${e.proof.auditPath.map((h) => `\`${h}\``).join(', ') || '(the tree is this one leaf)'}`),
    '',
  ];
  return lines.join('\n');
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function reportHtml(report: SubjectReport): string {
  const table = (header: string[], rows: string[][]) =>
    `<table><thead><tr>${header.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  const sources = (e: ReportBasisEvent) =>
    (e.sources ?? []).map((s) => (s.url ? `<a href="${escape(s.url)}">${escape(s.title ?? s.url)}</a>` : escape(s.title ?? '')) + (s.publishedAt ? ` <span class="muted">(${escape(s.publishedAt.slice(0, 10))})</span>` : '')).join('<br>');
  const rows = stateRows(report);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Restriction report: ${escape(report.subjectId)}</title>
<style>
  body { font: 11pt/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #111; margin: 2em auto; max-width: 60em; padding: 0 1em; }
  h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #999; }
  table { border-collapse: collapse; width: 100%; margin: 0.5em 0; } th, td { border: 1px solid #bbb; padding: 0.25em 0.45em; text-align: left; vertical-align: top; }
  th { background: #eee; } .muted { color: #555; } code, .hash { font-family: ui-monospace, Menlo, monospace; font-size: 0.85em; word-break: break-all; }
  .restricted { color: #a00; font-weight: 600; } .exemption { color: #060; font-weight: 600; }
  @media print { body { margin: 0; max-width: none; } a { color: inherit; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
</style>
</head>
<body>
<h1>Restriction report: ${escape(report.subjectId)}</h1>
<p>${escape(question(report))}.<br><span class="muted">Generated ${escape(report.generatedAt)} by regledger.</span></p>
${report.notice ? `<p><strong>Note:</strong> ${escape(report.notice)}</p>` : ''}
<h2>State</h2>
${rows.length ? table(['Kind', 'Measure', 'What', 'Categories', 'From', 'Until', 'Citations'], rows.map((r) => [`<span class="${r.kind}">${escape(r.kind)}</span>`, escape(r.measure), escape(r.name), escape(r.categories), escape(r.from), escape(r.until), escape(r.citations)])) : '<p>Nothing restricts this subject.</p>'}
<h2>Basis</h2>
${table(['Position', 'Recorded', 'Event', 'Measure', 'Citation', 'Sources', 'Recorded by'], report.basis.map((e) => [escape(e.position), escape(e.recordedAt), escape(e.type), escape(e.measureId), escape(e.citation ?? ''), sources(e), escape(e.actor ?? '')]))}
<h2>Timeline</h2>
${table(['From', 'Until', 'Restricted', 'Why'], report.timeline.intervals.map((i) => [escape(i.from), escape(i.until ?? 'open'), escape(i.restricted.map((r) => `${r.measureId}: ${setText(r.categories, r.except)}`).join('; ') || 'nothing'), escape(i.changes.map((c) => `${c.type}${c.citation ? ` (${c.citation})` : ''}`).join(', '))]))}
<h2>Integrity</h2>
<p>Ledger digest: tree size ${report.digest.treeSize}, up to position ${escape(report.digest.position)}, root hash <span class="hash">${report.digest.rootHash}</span>.</p>
<p class="muted">Each basis event is a leaf of the ledger's Merkle tree (RFC 9162: leaf = SHA-256(0x00 || RFC 8785 JSON of the leaf), node = SHA-256(0x01 || left || right)). Its audit path below proves it is in the tree of that root.</p>
${table(['Event', 'Leaf', 'Audit path'], report.basis.map((e) => [`<span class="hash">${escape(e.eventId)}</span>`, String(e.proof.leafIndex), `<span class="hash">${e.proof.auditPath.join('<br>') || '—'}</span>`]))}
</body>
</html>
`;
}

export function reportCsv(report: SubjectReport): string {
  const quote = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  const header = ['section', 'kind', 'measure', 'what', 'categories', 'from', 'until', 'citations', 'position', 'recorded_at', 'event_id', 'sources', 'recorded_by'];
  const rows = [
    ...stateRows(report).map((r) => ['state', r.kind, r.measure, r.name, r.categories, r.from, r.until, r.citations, '', '', '', '', '']),
    ...report.basis.map((e) => ['basis', e.type, e.measureId, '', '', '', '', e.citation ?? '', e.position, e.recordedAt, e.eventId, sourceText(e), e.actor ?? '']),
    ['digest', '', '', `tree size ${report.digest.treeSize}`, '', '', '', '', report.digest.position, '', '', report.digest.rootHash, ''],
  ];
  return [header, ...rows].map((r) => r.map(quote).join(',')).join('\r\n') + '\r\n';
}
