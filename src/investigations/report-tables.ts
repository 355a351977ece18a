/**
 * A report's sections as tables of plain text, one column per field: the
 * CSV writes them as they are, Markdown and HTML escape every cell. Column
 * keys are the CSV header names; labels head the Markdown and HTML tables.
 */
import { categorySetText } from '../domain/categories.js';
import type { ReportBasisEvent } from './report.js';
import type { AnsweredReport } from './answered-report.js';
import type { ReportSet } from './report-timeline.js';

export interface Column {
  key: string;
  label: string;
}

export interface Table {
  section:
    | 'summary'
    | 'verdicts'
    | 'shared_explanations'
    | 'restricted'
    | 'exemptions'
    | 'pending'
    | 'basis'
    | 'timeline'
    | 'category_sets';
  columns: Column[];
  /** How many rows; each is built only when asked for, so a renderer can pause between rows of a large table. */
  size: number;
  row: (index: number) => string[];
}

/** Rows of a table, one per item, built when read. */
const rowsOf = <T>(items: readonly T[], row: (item: T) => string[]) => ({
  size: items.length,
  row: (index: number) => row(items[index]!),
});

/** Every row of a table at once: for the small ones and for tests. */
export const tableRows = (table: Table): string[][] => Array.from({ length: table.size }, (_, i) => table.row(i));

const columns = (...pairs: [string, string][]): Column[] => pairs.map(([key, label]) => ({ key, label }));

/** A category set in words; a dash for an empty one, so a table cell is never blank. */
export const setText = (categories: string[], except: string[] = []) =>
  categories.length ? categorySetText(categories, except) : '—';

/** The citations of the basis events a row rests on, in position order. */
const citations = (report: AnsweredReport, basis: { eventId: string }[]) =>
  basis
    .map((b) => report.basis.find((e) => e.eventId === b.eventId)?.citation)
    .filter((c): c is string => !!c)
    .join('; ');

export const sourceText = (e: ReportBasisEvent) =>
  (e.sources ?? [])
    .map((s) => [s.title, s.url, s.publishedAt ? `published ${s.publishedAt}` : undefined].filter(Boolean).join(', '))
    .join('; ');

export function question(report: AnsweredReport): string {
  const recorded = report.asOf === null ? 'before anything was recorded' : `as recorded up to ${report.asOf}`;
  return `${report.subjectId} at ${report.at}, ${recorded} (ledger position ${report.asOfPosition})`;
}

export function summaryTable(report: AnsweredReport): Table {
  return {
    section: 'summary',
    columns: columns(
      ['subject', 'Subject'],
      ['at', 'Valid time'],
      ['as_of', 'Record time'],
      ['as_of_position', 'Ledger position'],
      ['subject_known', 'Subject known to the ledger'],
      ['notice', 'Notice'],
      ['categories_from', 'Categories checked (asked, or default: every category of the measures)'],
      ['generated_at', 'Generated'],
      ['digest_tree_size', 'Digest tree size'],
      ['digest_root_hash', 'Digest root hash'],
      ['digest_position', 'Digest up to position'],
    ),
    ...rowsOf([report], () => [
      report.subjectId,
      report.at,
      report.asOf ?? '',
      report.asOfPosition,
      String(report.subjectKnown),
      report.notice ?? '',
      report.categoriesFrom,
      report.generatedAt,
      String(report.digest.treeSize),
      report.digest.rootHash,
      report.digest.position,
    ]),
  };
}

export function verdictsTable(report: AnsweredReport): Table {
  return {
    section: 'verdicts',
    columns: columns(
      ['category', 'Category'],
      ['status', 'Verdict'],
      ['explanation', 'Why'],
      ['event_positions', 'Events (positions)'],
    ),
    ...rowsOf(report.verdicts, (v) => [
      v.category,
      v.status,
      v.explanation.map((step) => step.sentence).join(' '),
      [...new Set(v.explanation.flatMap((step) => step.events.map((e) => e.position)))].join(' '),
    ]),
  };
}

export function restrictedTable(report: AnsweredReport): Table {
  return {
    section: 'restricted',
    columns: columns(
      ['measure_id', 'Measure'],
      ['title', 'Title'],
      ['citation', 'Citation'],
      ['categories', 'Categories'],
      ['except', 'Except'],
      ['restricted_without_break_since', 'Restricted without a break since'],
      ['these_categories_since', 'These categories since'],
      ['basis_citations', 'Basis citations'],
    ),
    ...rowsOf(report.state.restricted, (r) => [
      r.measureId,
      r.title,
      r.citation ?? '',
      r.categories.join(', '),
      r.except.join(', '),
      r.restrictedSince,
      r.categoriesSince,
      citations(report, r.basis),
    ]),
  };
}

export function exemptionsTable(report: AnsweredReport): Table {
  return {
    section: 'exemptions',
    columns: columns(
      ['measure_id', 'Measure'],
      ['exemption_id', 'Exemption'],
      ['title', 'Title'],
      ['categories', 'Categories'],
      ['except', 'Except'],
      ['effective_from', 'From'],
      ['effective_until', 'Until'],
      ['basis_citations', 'Basis citations'],
    ),
    ...rowsOf(report.state.exemptions, (e) => [
      e.measureId,
      e.exemptionId,
      e.title,
      e.categories.join(', '),
      e.except.join(', '),
      e.effectiveFrom,
      e.effectiveUntil ?? '',
      citations(report, e.basis),
    ]),
  };
}

export function pendingTable(report: AnsweredReport): Table {
  return {
    section: 'pending',
    columns: columns(
      ['measure_id', 'Measure'],
      ['announcement_id', 'Announcement'],
      ['kind', 'Kind'],
      ['statement', 'Statement'],
      ['announced_at', 'Announced'],
      ['categories', 'Categories'],
      ['basis_citations', 'Basis citations'],
    ),
    ...rowsOf(report.state.pending, (p) => [
      p.measureId,
      p.announcementId ?? '',
      p.kind,
      p.statement,
      p.announcedAt,
      (p.categories ?? []).join(', '),
      citations(report, p.basis),
    ]),
  };
}

export function basisTable(report: AnsweredReport): Table {
  return {
    section: 'basis',
    columns: columns(
      ['position', 'Position'],
      ['recorded_at', 'Recorded'],
      ['event_id', 'Event id'],
      ['type', 'Event'],
      ['measure_id', 'Measure'],
      ['citation', 'Citation'],
      ['sources', 'Sources'],
      ['note', 'Note'],
      ['recorded_by', 'Recorded by'],
      ['leaf_index', 'Leaf'],
      ['audit_path', 'Audit path'],
    ),
    ...rowsOf(report.basis, (e) => [
      e.position,
      e.recordedAt,
      e.eventId,
      e.type,
      e.measureId,
      e.citation ?? '',
      sourceText(e),
      e.note ?? '',
      e.actor ?? '',
      String(e.proof.leafIndex),
      e.proof.auditPath.join(' '),
    ]),
  };
}

export function timelineTable(report: AnsweredReport): Table {
  const sizes = new Map(report.categorySets.map((set) => [set.id, set]));
  const text = (set: ReportSet) => {
    if (!('categorySet' in set)) return setText(set.categories, set.except);
    const named = sizes.get(set.categorySet);
    return `category set ${set.categorySet}${named ? ` (${named.categories.length} categories${named.except.length ? `, ${named.except.length} exceptions` : ''})` : ''}`;
  };
  const nonEmpty = (set: ReportSet) => 'categorySet' in set || set.categories.length > 0;
  return {
    section: 'timeline',
    columns: columns(
      ['from', 'From'],
      ['until', 'Until'],
      ['restricted', 'Restricted'],
      ['became_restricted', 'Became restricted'],
      ['stopped', 'Stopped being restricted'],
      ['why', 'Why'],
    ),
    ...rowsOf(report.timeline.intervals, (i) => [
      i.from,
      i.until ?? '',
      i.restricted.map((r) => `${r.measureId}: ${text(r)}`).join('; ') || 'nothing',
      nonEmpty(i.became.restricted) ? text(i.became.restricted) : '',
      nonEmpty(i.became.unrestricted) ? text(i.became.unrestricted) : '',
      i.changes.map((c) => `${c.type}${c.citation ? ` (${c.citation})` : ''}`).join(', '),
    ]),
  };
}

/** The steps many verdicts share, once each: a verdict's explanation refers to them by id. */
export function sharedExplanationsTable(report: AnsweredReport): Table {
  return {
    section: 'shared_explanations',
    columns: columns(
      ['shared_explanation', 'Shared explanation'],
      ['measure_id', 'Measure'],
      ['step', 'Step'],
      ['kind', 'Kind'],
      ['sentence', 'Why'],
      ['event_positions', 'Events (positions)'],
    ),
    ...rowsOf(
      report.sharedExplanations.flatMap((shared) => shared.steps.map((step, i) => ({ shared, step, i }))),
      ({ shared, step, i }) => [
        shared.id,
        shared.measureId,
        String(i + 1),
        step.kind,
        step.sentence,
        step.events.map((e) => e.position).join(' '),
      ],
    ),
  };
}

/** The large category sets the explanations and the timeline name, each listed once. */
export function categorySetsTable(report: AnsweredReport): Table {
  return {
    section: 'category_sets',
    columns: columns(['category_set', 'Category set'], ['categories', 'Categories'], ['except', 'Except']),
    ...rowsOf(report.categorySets, (set) => [set.id, set.categories.join(', '), set.except.join(', ')]),
  };
}

/** Every section, in the order the CSV writes them. */
export function reportTables(report: AnsweredReport): Table[] {
  // The sections of a large report's shared steps and named sets come only when it has some.
  const shared = sharedExplanationsTable(report);
  const sets = categorySetsTable(report);
  return [
    summaryTable(report),
    verdictsTable(report),
    ...(shared.size ? [shared] : []),
    restrictedTable(report),
    exemptionsTable(report),
    pendingTable(report),
    basisTable(report),
    timelineTable(report),
    ...(sets.size ? [sets] : []),
  ];
}
