/**
 * The investigator's commands: replay a subject step by step, explain a
 * verdict in sentences, and export the auditor's report.
 */
import type { Command } from 'commander';
import type { CliHost } from './io.js';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { styleText } from 'node:util';
import { explainCheck } from '../../projections/explain.js';
import { subjectKnown, type LedgerReadModel } from '../../projections/ledger-read-model.js';
import type { Changes, ReplayOrder } from '../../projections/replay.js';
import { checkCategory } from '../../projections/subject-queries.js';
import type { CategorySetAnswer } from '../domain/categories.js';
import { LedgerError, type ErrorDetail } from '../errors.js';
import type { EventStore } from '../event-store/event-store.js';
import { foldIntegrity, LogIntegrity } from '../integrity/log-integrity.js';
import { buildReport, categoriesParam } from '../investigations/report.js';
import { reportKnowledge } from '../investigations/answered-report.js';
import {
  isReportFormat,
  renderReport,
  REPORT_FORMATS,
  type ReportFormatName,
} from '../investigations/report-render.js';
import { replayWithProvenance } from '../investigations/replay.js';
import {
  categoryParam,
  idParam,
  instantParam,
  windowParams,
  parseTimeParams,
  throwIfProblems,
  asKnownText,
  type AnsweredKnowledge,
} from '../queries/knowledge.js';
import { buildReadModel } from '../queries/read-model.service.js';
import { progressBar } from './progress.js';
import { caveats, heading, knowledgeFields, setText, withTimeOptions, type TimeOptions } from './query-commands.js';

type Style = Parameters<typeof styleText>[0];

type Paint = (style: Style, text: string) => string;

/** Colour on a terminal only (and never with NO_COLOR). */
const painter =
  (colour: boolean): Paint =>
  (style, text) =>
    colour ? styleText(style, text) : text;

/** The read model of the whole log, with a progress bar on a terminal. */
async function foldLog(store: EventStore): Promise<LedgerReadModel> {
  const bar = progressBar('reading the log');
  try {
    return (await buildReadModel(store, (events) => bar.update(events, events))).model;
  } finally {
    bar.stop();
  }
}

async function resolve(
  store: EventStore,
  options: TimeOptions,
  problems: ErrorDetail[],
): Promise<{ model: LedgerReadModel; knowledge: AnsweredKnowledge }> {
  const time = parseTimeParams(options, problems);
  throwIfProblems(problems);
  const model = await foldLog(store);
  return { model, knowledge: time.resolve(model, Date.now()) };
}

const setLine = (set: CategorySetAnswer) => setText(set.categories, set.except);

function changeLines(changes: Changes, paint: Paint): string[] {
  const lines: string[] = [];
  const line = (sign: string, style: Style, label: string, text: string) =>
    lines.push(`      ${paint(style, `${sign} ${label}`)} ${text}`);
  if (changes.became.restricted.categories.length) line('+', 'red', 'restricted:', setLine(changes.became.restricted));
  if (changes.stopped.restricted.categories.length)
    line('-', 'green', 'no longer restricted:', setLine(changes.stopped.restricted));
  if (changes.became.exempt.categories.length) line('+', 'green', 'exempt:', setLine(changes.became.exempt));
  if (changes.stopped.exempt.categories.length) line('-', 'red', 'no longer exempt:', setLine(changes.stopped.exempt));
  if (changes.became.pending.length) line('+', 'yellow', 'pending:', changes.became.pending.join(', '));
  if (changes.stopped.pending.length) line('-', 'yellow', 'no longer pending:', changes.stopped.pending.join(', '));
  return lines.length ? lines : [`      ${paint('dim', 'no change for this subject')}`];
}

export function registerInvestigateCommands(program: Command, { io, withStore }: CliHost): void {
  const paint = painter(io.colour);
  program
    .command('replay')
    .description(
      "a subject's history step by step: each event that concerns it, who recorded it on what basis, and what changed for the subject",
    )
    .argument('<subject>')
    .option(
      '--order <order>',
      'record: what each record changed in what was known; valid: what changed in force, and when',
      'record',
    )
    .option('--from <instant>', 'earliest record time (record order) or valid time (valid order)')
    .option('--to <instant>')
    .option('--at <instant>', 'record order: one valid time for every step')
    .option('--as-of <instant>', 'record time (default now)')
    .option('--as-of-position <position>')
    .option('--json', 'print the replay as JSON')
    .action(async (subject: string, options: TimeOptions & { order: string; from?: string; to?: string }) => {
      const problems: ErrorDetail[] = [];
      idParam('subject', subject, problems);
      if (options.order !== 'record' && options.order !== 'valid')
        problems.push({ field: 'order', rule: 'isIn', message: 'order must be record or valid', value: options.order });
      const { from, to } = windowParams(options, problems);
      const at = instantParam('at', options.at, problems);
      const { replay, knowledge, known } = await withStore(async (store) => {
        const { model, knowledge } = await resolve(
          store,
          { asOf: options.asOf, asOfPosition: options.asOfPosition },
          problems,
        );
        const order = options.order as ReplayOrder;
        const known = subjectKnown(model, subject, knowledge.asOfPosition);
        return {
          replay: {
            ...(await replayWithProvenance(model, store, subject, {
              order,
              asOfPosition: knowledge.asOfPosition,
              ...(at !== undefined ? { at } : {}),
              from,
              to,
            })),
            ...knowledgeFields(knowledge, known),
          },
          knowledge,
          known,
        };
      });
      if (options.json) return io.out(JSON.stringify(replay, null, 2));
      io.out(
        paint(
          'bold',
          `${subject}: ${replay.steps.length} steps in ${replay.order} order, ${asKnownText(replay)} (position ${replay.asOfPosition})`,
        ),
      );
      for (const line of caveats(subject, knowledge, known)) io.out(line);
      for (const step of replay.steps) {
        if (step.eventId !== null) {
          const who = [step.provenance.actor && `by ${step.provenance.actor}`, step.citation && `(${step.citation})`]
            .filter(Boolean)
            .join(' ');
          io.out(
            `${paint('cyan', `#${step.position}`)} ${step.recordedAt}  ${paint('bold', step.type ?? '')} in ${step.measureId} ${who}`,
          );
          io.out(`      concerns ${step.effectiveAt}${step.provenance.note ? `; note: ${step.provenance.note}` : ''}`);
        } else {
          // A change no single event makes: a window closing, or several events at once.
          io.out(
            `${paint('cyan', step.effectiveAt)}  ${paint('bold', step.causes.length ? 'caused jointly' : 'transition')}`,
          );
        }
        if (step.causes.length > 1 || (step.eventId === null && step.causes.length)) {
          for (const cause of step.causes)
            io.out(
              `      ${paint('dim', `${cause.role} #${cause.position}`)} ${cause.type} in ${cause.measureId}${cause.citation ? ` (${cause.citation})` : ''}`,
            );
        }
        for (const line of changeLines(step.changes, paint)) io.out(line);
        // A record can change what holds away from its own instant (a moved end date): every stretch it changed.
        const intervals = step.changedIntervals ?? [];
        if (intervals.some((interval) => interval.from !== step.effectiveAt))
          for (const interval of intervals) {
            io.out(
              `      ${paint('dim', `in force from ${interval.from}${interval.until ? ` until ${interval.until}` : ''}:`)}`,
            );
            for (const line of changeLines(interval.changes, paint)) io.out(`  ${line}`);
          }
      }
    });

  withTimeOptions(
    program
      .command('explain')
      .description(
        'why a category is or is not restricted for a subject, in sentences, each with the events it rests on',
      )
      .argument('<subject>')
      .argument('<category>'),
  ).action(async (subject: string, category: string, options: TimeOptions) => {
    const problems: ErrorDetail[] = [];
    idParam('subject', subject, problems);
    categoryParam(category, problems);
    const { answer, explanation, knowledge, known } = await withStore(async (store) => {
      const { model, knowledge } = await resolve(store, options, problems);
      const answer = checkCategory(model, subject, category, knowledge);
      return {
        answer,
        knowledge,
        known: subjectKnown(model, subject, knowledge.asOfPosition),
        explanation: explainCheck(model, answer, knowledge),
      };
    });
    if (options.json)
      return io.out(JSON.stringify({ ...answer, explanation, ...knowledgeFields(knowledge, known) }, null, 2));
    const style: Style =
      answer.status === 'restricted' ? 'red' : answer.status === 'not-restricted' ? 'green' : 'yellow';
    io.out(`${heading(subject, knowledge, known)}\n${category}: ${paint(style, answer.status.toUpperCase())}`);
    explanation.forEach((step, i) =>
      io.out(
        `${String(i + 1).padStart(2)}. ${step.sentence}${step.events.length ? paint('dim', `  [${step.events.map((e) => `#${e.position}`).join(', ')}]`) : ''}`,
      ),
    );
  });

  program
    .command('export')
    .description(
      "the auditor's report on a subject: the verdict on each category with its explanation, state, basis events with citations and sources, timeline, and the log's digest with an inclusion proof per basis event",
    )
    .argument('<subject>')
    .option(
      '--format <format>',
      'html (one self-contained printable file), md, json or csv (one file, a section per table)',
      'html',
    )
    .option(
      '--categories <list>',
      "comma-separated categories to give a verdict on (default: every category of the subject's measures)",
    )
    .option('--out <file>', 'write to this file instead of standard output')
    .option('--at <instant>', 'valid time (default now)')
    .option('--as-of <instant>', 'record time (default now)')
    .option('--as-of-position <position>')
    .action(async (subject: string, options: TimeOptions & { format: string; categories?: string; out?: string }) => {
      const problems: ErrorDetail[] = [];
      idParam('subject', subject, problems);
      if (!isReportFormat(options.format))
        problems.push({
          field: 'format',
          rule: 'isIn',
          message: `format must be one of ${Object.keys(REPORT_FORMATS).join(', ')}`,
          value: options.format,
        });
      const categories = categoriesParam(options.categories, problems);
      // Found before the ledger is read, not after the report is made.
      if (options.out !== undefined) checkOutFile(options.out);
      const report = await withStore(async (store) => {
        const { model, knowledge: resolved } = await resolve(store, options, problems);
        const integrity = await foldIntegrity(store, new LogIntegrity());
        const knowledge = reportKnowledge(resolved);
        return knowledge.answered(
          await buildReport(model, store, integrity, subject, knowledge.built, new Date(), categories),
        );
      });
      const text = await renderReport(report, options.format as ReportFormatName);
      if (!options.out) return void io.write(text);
      try {
        writeFileSync(options.out, text);
      } catch (error) {
        throw cannotWrite(options.out, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
      }
      io.err(`wrote the report on ${subject} to ${options.out}`);
    });
}

/** A usage error (exit 2, one line naming the path) when `path` cannot be written: a missing directory, a directory. */
function checkOutFile(path: string): void {
  const directory = dirname(resolvePath(path));
  if (!existsSync(directory)) throw cannotWrite(path, `its directory ${directory} does not exist`);
  if (!statSync(directory).isDirectory()) throw cannotWrite(path, `${directory} is not a directory`);
  if (existsSync(path) && statSync(path).isDirectory()) throw cannotWrite(path, 'it is a directory');
}

function cannotWrite(path: string, why: string): LedgerError {
  return new LedgerError('bad-input', `--out ${path} cannot be written (${why}): give a file in an existing directory`);
}
