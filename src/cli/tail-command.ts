/**
 * `regledger tail`: prints ledger changes, or effective-state transitions, as
 * they happen, from the data directory's log (appends by a running server or
 * another CLI reach it too).
 */
import { categorySetText } from '../domain/categories.js';
import type { Command } from 'commander';
import type { CliHost } from './io.js';
import { ChangeFeedService } from '../changes/change-feed.service.js';
import { systemClock } from '../clock.js';
import { WriteWatermark } from '../write-watermark.js';
import { ReadModelService } from '../queries/read-model.service.js';
import { effectiveResume, ledgerResume, subjectFilter } from '../changes/feed-params.js';
import { throwIfProblems } from '../queries/knowledge.js';
import type { ErrorDetail } from '../errors.js';
import { storedProvenance } from '../domain/fact-reading.js';

interface TailOptions {
  after?: string;
  subject?: string[];
  effective?: boolean;
  json?: boolean;
}

const setText = (set: { categories: string[]; except: string[] }) => categorySetText(set.categories, set.except);

export function registerTailCommand(program: Command, { io, withStore }: CliHost): void {
  program
    .command('tail')
    .description('print changes as they happen (Ctrl-C to stop)')
    .option('--after <id>', 'resume after this id (a position; with --effective a transition id); 0 replays the log')
    .option('--subject <subject...>', 'only changes concerning these subjects')
    .option('--effective', 'print changes of what is in force now, instead of ledger events')
    .option('--json', 'one JSON object per line')
    .action(async (options: TailOptions) => {
      // Checked before anything is opened, the same way as the HTTP feeds read them.
      const problems: ErrorDetail[] = [];
      const subjects = subjectFilter(options.subject, problems);
      const after = options.effective
        ? effectiveResume('--after', options.after, problems)
        : ledgerResume('--after', options.after, problems);
      throwIfProblems(problems);
      await withStore(async (store) => {
        const readModel = new ReadModelService(store, new WriteWatermark());
        await readModel.start();
        const feed = new ChangeFeedService(store, readModel, systemClock);
        const signal = io.stopSignal();
        try {
          // An id this ledger never sent would skip what it owes, or wait for a position the log has not reached.
          await feed.checkResume('--after', after, problems);
          throwIfProblems(problems);
          if (options.effective) {
            for await (const t of feed.effectiveChanges({ after: after as string | undefined, subjects, signal })) {
              io.out(
                options.json
                  ? JSON.stringify(t)
                  : `${t.at}  ${t.subjectId}  now restricted: ${setText(t.restricted) || 'nothing'}  (+${setText(t.became.restricted) || '—'}; −${setText(t.became.unrestricted) || '—'})  id ${t.id}`,
              );
            }
          } else {
            for await (const change of feed.ledgerChanges({
              after: after as bigint | undefined,
              filter: { subjects },
              signal,
            })) {
              const e = change.event;
              const { citation } = storedProvenance(e.data);
              io.out(
                options.json
                  ? JSON.stringify(e)
                  : `${String(change.position).padStart(6)}  ${e.time}  ${e.subject}  ${e.type.replace('org.regledger.', '')}${citation ? `  (${citation})` : ''}`,
              );
            }
          }
        } finally {
          await readModel.stop();
        }
      });
    });
}
