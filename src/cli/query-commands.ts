/**
 * The query side from the command line: state, check, timeline and measure,
 * answered from a read model folded from the data directory's log, and
 * rebuild, which folds it and reports how fast.
 */
import { categorySetText } from '../domain/categories.js';
import type { Command } from 'commander';
import type { CliHost, CliIo, WithStore } from './io.js';
import { subjectKnown, withSetAsideNotice, type LedgerReadModel } from '../../projections/ledger-read-model.js';
import { measureView } from '../../projections/measure-view.js';
import type { NotRestrictingReason } from '../../projections/not-restricting.js';
import {
  checkCategory,
  subjectState,
  subjectTimeline,
  type SubjectState,
  type SubjectTimeline,
} from '../../projections/subject-queries.js';
import type { BasisEntry } from '../domain/basis.js';
import type { ErrorDetail } from '../errors.js';
import { LedgerError } from '../errors.js';
import { buildReadModel } from '../queries/read-model.service.js';
import {
  categoryParam,
  idParam,
  windowParams,
  parseTimeParams,
  throwIfProblems,
  asKnownText,
  type AnsweredKnowledge,
} from '../queries/knowledge.js';
import { progressBar } from './progress.js';

export interface TimeOptions {
  at?: string;
  asOf?: string;
  asOfPosition?: string;
  json?: boolean;
}

const basisText = (basis: BasisEntry[]) =>
  basis.map((b) => `${b.type} @${b.position}${b.citation ? ` (${b.citation})` : ''}`).join(', ');
export const setText = categorySetText;
const print = (io: CliIo, json: boolean | undefined, answer: unknown, text: () => string[]) =>
  io.out(json ? JSON.stringify(answer, null, 2) : text().join('\n'));

/** How the check's text says why a measure does not restrict the category, before the instant it dates from. */
const notRestrictingWords: Record<NotRestrictingReason, string> = {
  begins: 'in force only from',
  lifted: 'lifted from',
  ended: 'ended on',
  'subject-removed': 'the subject removed from',
  'subject-added-later': 'names the subject only from',
  'scope-narrowed': 'scope narrowed to leave it out from',
  'scope-broadened-later': 'scope covers it only from',
};

export function withTimeOptions(command: Command): Command {
  return command
    .option('--at <instant>', 'valid time (default now)')
    .option('--as-of <instant>', 'record time (default now)')
    .option('--as-of-position <position>', 'record time as a ledger position')
    .option('--json', 'print the answer as JSON');
}

async function answerAt(
  withStore: WithStore,
  options: TimeOptions,
  problems: ErrorDetail[],
  about: { subjectId?: string; measureId?: string } = {},
): Promise<{ model: LedgerReadModel; knowledge: AnsweredKnowledge }> {
  const time = parseTimeParams(options, problems);
  throwIfProblems(problems);
  const model = await withStore(async (store) => (await buildReadModel(store)).model);
  // Stored events of the subject's (or measure's) measures that cannot be read are named in the answer's notice.
  return { model, knowledge: withSetAsideNotice(model, time.resolve(model, Date.now()), about) };
}

/** What an answer about a subject says first: the clocks, any notice, and whether the ledger has ever named the subject. */
export function heading(
  subject: string,
  knowledge: AnsweredKnowledge,
  known: boolean,
  at = ` at ${new Date(knowledge.at).toISOString()}`,
): string {
  return [
    `${subject}${at}, ${asKnownText(knowledge)} (position ${knowledge.asOfPosition})`,
    ...caveats(subject, knowledge, known),
  ].join('\n');
}

export function caveats(subject: string, knowledge: AnsweredKnowledge, known: boolean): string[] {
  return [
    ...(known
      ? []
      : [
          `  ${subject} is unknown to the ledger: no event recorded by position ${knowledge.asOfPosition} names it, so nothing here is evidence that it is free of restrictions`,
        ]),
    ...(knowledge.notice ? [`  note: ${knowledge.notice}`] : []),
  ];
}

/** The fields every subject answer carries in JSON besides its own. */
export function knowledgeFields(knowledge: AnsweredKnowledge, known: boolean) {
  return { subjectKnown: known, asOf: knowledge.asOf, ...(knowledge.notice ? { notice: knowledge.notice } : {}) };
}

function stateText(state: SubjectState, knowledge: AnsweredKnowledge, known: boolean): string[] {
  const lines = [heading(state.subjectId, knowledge, known)];
  lines.push(state.restricted.length ? 'Restricted:' : 'Restricted: nothing');
  for (const r of state.restricted)
    lines.push(
      `  ${r.measureId}${r.citation ? ` (${r.citation})` : ''}: ${setText(r.categories, r.except)}`,
      `    basis: ${basisText(r.basis)}`,
    );
  if (state.exemptions.length) lines.push('Exemptions:');
  for (const e of state.exemptions) {
    lines.push(
      `  ${e.exemptionId} "${e.title}" of ${e.measureId}: ${setText(e.categories, e.except)}, from ${e.effectiveFrom}${e.effectiveUntil ? ` until ${e.effectiveUntil}` : ''}`,
      `    basis: ${basisText(e.basis)}`,
    );
  }
  if (state.pending.length) lines.push('Pending (no legal effect yet):');
  for (const p of state.pending)
    lines.push(
      `  ${p.announcementId ?? 'announced measure'} of ${p.measureId}, announced ${p.announcedAt}: ${p.statement}`,
    );
  return lines;
}

/**
 * What a timeline without intervals says: within a window, only that nothing
 * was restricted there (the subject may be restricted outside it).
 */
export function unrestrictedText({ from, to }: Pick<SubjectTimeline, 'from' | 'to'>): string {
  if (from !== null && to !== null) return `not restricted between ${from} and ${to}`;
  if (from !== null) return `not restricted from ${from} on`;
  if (to !== null) return `not restricted before ${to}`;
  return 'never restricted';
}

export function registerQueryCommands(program: Command, { io, withStore }: CliHost): void {
  withTimeOptions(
    program
      .command('state')
      .description("a subject's restrictions, exemptions and pending announcements, with their basis")
      .argument('<subject>'),
  ).action(async (subject: string, options: TimeOptions) => {
    const problems: ErrorDetail[] = [];
    idParam('subject', subject, problems);
    const { model, knowledge } = await answerAt(withStore, options, problems, { subjectId: subject });
    const state = subjectState(model, subject, knowledge);
    const known = subjectKnown(model, subject, knowledge.asOfPosition);
    print(io, options.json, { ...state, ...knowledgeFields(knowledge, known) }, () =>
      stateText(state, knowledge, known),
    );
  });

  withTimeOptions(
    program
      .command('check')
      .description('whether one category is restricted for a subject')
      .argument('<subject>')
      .argument('<category>'),
  ).action(async (subject: string, category: string, options: TimeOptions) => {
    const problems: ErrorDetail[] = [];
    idParam('subject', subject, problems);
    categoryParam(category, problems);
    const { model, knowledge } = await answerAt(withStore, options, problems, { subjectId: subject });
    const answer = checkCategory(model, subject, category, knowledge);
    const known = subjectKnown(model, subject, knowledge.asOfPosition);
    print(io, options.json, { ...answer, ...knowledgeFields(knowledge, known) }, () => [
      `${heading(subject, knowledge, known)}\n${category}: ${answer.status.toUpperCase()}`,
      ...answer.measures.map(
        (m) =>
          `  ${m.status} by ${m.measureId}${m.citation ? ` (${m.citation})` : ''}: ${setText(m.categories, m.except)}`,
      ),
      ...answer.exemptions.map(
        (e) =>
          `  exempt under ${e.exemptionId} "${e.title}": ${setText(e.categories, e.except)}${e.effectiveUntil ? ` until ${e.effectiveUntil}` : ''}`,
      ),
      ...answer.notRestricting.map(
        (n) =>
          `  not restricted by ${n.measureId}${n.citation ? ` (${n.citation})` : ''}: ${notRestrictingWords[n.reason]} ${n.on}`,
      ),
      ...answer.pending.map((p) => `  pending: ${p.statement} (announced ${p.announcedAt})`),
      `  basis: ${basisText(answer.basis) || 'none'}`,
    ]);
  });

  program
    .command('timeline')
    .description(
      'the intervals over which what each measure restricts for a subject stays the same, and why it changed',
    )
    .argument('<subject>')
    .option('--from <instant>')
    .option('--to <instant>')
    .option('--as-of <instant>', 'record time (default now)')
    .option('--as-of-position <position>')
    .option('--json')
    .action(async (subject: string, options: TimeOptions & { from?: string; to?: string }) => {
      const problems: ErrorDetail[] = [];
      idParam('subject', subject, problems);
      const { from, to } = windowParams(options, problems);
      const { model, knowledge } = await answerAt(
        withStore,
        { asOf: options.asOf, asOfPosition: options.asOfPosition },
        problems,
        { subjectId: subject },
      );
      const timeline = subjectTimeline(model, subject, knowledge.asOfPosition, { from, to });
      const known = subjectKnown(model, subject, knowledge.asOfPosition);
      print(io, options.json, { ...timeline, ...knowledgeFields(knowledge, known) }, () => [
        heading(subject, knowledge, known, ''),
        ...(timeline.intervals.length ? [] : [`  ${unrestrictedText(timeline)}`]),
        ...timeline.intervals.flatMap((i) => [
          `  ${i.from} → ${i.until ?? '…'}  ${i.restricted.length ? i.restricted.map((r) => `${r.measureId}: ${setText(r.categories, r.except)}`).join('; ') : 'not restricted'}`,
          `      why: ${basisText(i.changes) || '—'}`,
        ]),
      ]);
    });

  withTimeOptions(
    program.command('measure').description('one measure as in force at a valid time').argument('<measureId>'),
  ).action(async (measureId: string, options: TimeOptions) => {
    const problems: ErrorDetail[] = [];
    idParam('measureId', measureId, problems);
    const { model, knowledge } = await answerAt(withStore, options, problems, { measureId });
    const view = measureView(model, measureId, knowledge);
    if (!view)
      throw new LedgerError(
        'not-found',
        `measure ${measureId} is not known as of position ${knowledge.asOfPosition}${knowledge.notice ? `; ${knowledge.notice}` : ''}`,
      );
    print(io, options.json, { ...view, asOf: knowledge.asOf }, () => [
      `${view.measureId}: ${view.title} (${view.authority}, ${view.jurisdiction}${view.citation ? `, ${view.citation}` : ''})`,
      `  ${view.inForce ? 'in force' : 'not in force'} at ${view.at}; effective ${view.effectiveFrom}${view.effectiveUntil ? ` until ${view.effectiveUntil}` : ''}${view.liftedFrom ? `, lifted ${view.liftedFrom}` : ''}`,
      `  subjects: ${view.subjects.join(', ')}`,
      `  scope: ${setText(view.scope.categories, view.scope.except)}`,
      ...view.exemptions.map(
        (e) =>
          `  exemption ${e.exemptionId}: ${setText(e.categories, e.except)}${e.effectiveUntil ? ` until ${e.effectiveUntil}` : ''}`,
      ),
    ]);
  });

  program
    .command('rebuild')
    .description(
      'fold the whole log into a fresh read model and report how fast (the server rebuilds its own at start and on POST /v1/admin/rebuild)',
    )
    .option('--json')
    .action(async (options: { json?: boolean }) => {
      const bar = progressBar('folding');
      const before = process.memoryUsage().heapUsed;
      const { model, stats } = await withStore((store) =>
        buildReadModel(store, (events) => bar.update(events, events)),
      ).finally(() => bar.stop());
      const heapPerEvent = Math.round((process.memoryUsage().heapUsed - before) / Math.max(model.eventCount, 1));
      print(io, options.json, { ...stats, heapBytesPerEvent: heapPerEvent }, () => [
        `folded ${stats.events} events (${stats.measures} measures, ${stats.subjects} subjects) up to position ${stats.position} in ${stats.seconds} s: ${stats.eventsPerSecond} events/s, about ${heapPerEvent} bytes of heap per event`,
      ]);
    });
}
