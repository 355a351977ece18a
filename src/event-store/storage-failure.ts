/**
 * The store's file or disk cannot do what was asked. Each says which file and
 * what to do, in one line. A permanent failure (a damaged or foreign file)
 * will not go away by retrying: whoever follows the log stops and says so.
 */
import { LedgerError } from '../errors.js';

export class StorageFailure extends LedgerError {
  constructor(
    readonly path: string,
    message: string,
    options: { full?: boolean; permanent?: boolean; atOpen?: boolean; outcomeUnknown?: boolean } = {},
  ) {
    super(options.full ? 'storage-full' : 'unavailable', message, [
      { field: 'store', rule: options.full ? 'storage-has-space' : 'storage-usable', message },
      ...(options.outcomeUnknown
        ? [
            {
              field: 'commandId',
              rule: 'outcome-unknown',
              message: 'the store may have recorded this write: send it again with the same commandId to learn which',
            },
          ]
        : []),
    ]);
    this.name = 'StorageFailure';
    this.permanent = options.permanent ?? false;
    this.atOpen = options.atOpen ?? false;
    this.outcomeUnknown = options.outcomeUnknown ?? false;
  }

  /** A write was under way when the store stopped answering: it may or may not have been recorded. */
  readonly outcomeUnknown: boolean;

  /** Retrying cannot help: the file must be restored or replaced. */
  readonly permanent: boolean;
  /** Found while opening the store: nothing was started. */
  readonly atOpen: boolean;
}
