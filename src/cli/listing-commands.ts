/**
 * `regledger subjects` and `regledger measures`: the ids the ledger knows,
 * narrowed by a prefix and paged like GET /v1/subjects and /v1/measures.
 */
import type { Command } from 'commander';
import type { CliHost } from './io.js';
import { listMeasures, listSubjects } from '../../projections/listings.js';
import { parseListing } from '../queries/listing-params.js';
import { buildReadModel } from '../queries/read-model.service.js';

interface ListingOptions {
  prefix?: string;
  after?: string;
  limit?: string;
  json?: boolean;
}

function withListingOptions(command: Command): Command {
  return command
    .option('--prefix <prefix>', 'only ids starting with this')
    .option('--after <id>', 'start after this id (the "next" of the previous page)')
    .option('--limit <n>', 'how many to print (default 50)')
    .option('--json', 'print the page as JSON');
}

const records = (first: { position: string; recordedAt: string }, last: { position: string; recordedAt: string }) =>
  `first recorded ${first.recordedAt} (position ${first.position}), last ${last.recordedAt} (position ${last.position})`;

const more = (next: string | null) => (next ? [`more: --after ${next}`] : []);

export function registerListingCommands(program: Command, { io, withStore }: CliHost): void {
  withListingOptions(program.command('subjects').description('list the subjects the ledger knows')).action(
    async (options: ListingOptions) => {
      const query = parseListing(options);
      const page = listSubjects(await withStore(async (store) => (await buildReadModel(store)).model), query);
      if (options.json) return io.out(JSON.stringify(page, null, 2));
      const lines = page.items.map(
        (s) =>
          `${s.subjectId}  ${s.events} events in ${s.measures.map((m) => m.measureId).join(', ')}; ${records(s.firstRecord, s.lastRecord)}`,
      );
      io.out([...(lines.length ? lines : ['no subjects']), ...more(page.next)].join('\n'));
    },
  );
  withListingOptions(program.command('measures').description('list the measures the ledger knows')).action(
    async (options: ListingOptions) => {
      const query = parseListing(options);
      const page = listMeasures(await withStore(async (store) => (await buildReadModel(store)).model), query);
      if (options.json) return io.out(JSON.stringify(page, null, 2));
      const lines = page.items.map(
        (m) =>
          `${m.measureId}  "${m.title ?? '(title unreadable)'}", ${m.subjects} subjects, ${m.events} events; ${records(m.firstRecord, m.lastRecord)}`,
      );
      io.out([...(lines.length ? lines : ['no measures']), ...more(page.next)].join('\n'));
    },
  );
}
