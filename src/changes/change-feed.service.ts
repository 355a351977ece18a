/**
 * The change feeds for modules inside the application and for the HTTP and
 * CLI front ends: ledger events as CloudEvents, and effective-state
 * transitions, each as an async iterable (pulled, so a slow reader holds back
 * only itself) and as an rxjs Observable. Both resume from an id.
 */
import { Observable } from 'rxjs';
import type { EffectiveTransition } from '../../projections/effective-changes.js';
import type { EventStore } from '../event-store/event-store.js';
import type { ReadModelService } from '../queries/read-model.service.js';
import type { LedgerClock } from '../clock.js';
import { matchesFilter, type ChangeFilter } from './change-filter.js';
import { sharedCloudEvent, type LedgerCloudEvent } from './cloud-events.js';
import type { ErrorDetail } from '../errors.js';
import { effectiveTransitions, nowKeyId, parseKeyId } from './effective-feed.js';
import { checkResumeNotAhead, checkResumeWithinLog } from './feed-params.js';
import { logAfter } from './log-pages.js';

export interface LedgerChange {
  /** The ledger position: the resume id. */
  position: bigint;
  event: LedgerCloudEvent;
}

export interface LedgerChangeOptions {
  /** Exclusive: `0n` replays everything; undefined starts from now. */
  after?: bigint;
  filter?: ChangeFilter;
  signal?: AbortSignal;
  /** Told, each time the feed has caught up and waits, the position up to which every event was sent or filtered out. */
  onEvaluated?: (through: bigint) => void;
}

export interface EffectiveChangeOptions {
  /** The id of the last transition received; undefined starts from now. */
  after?: string;
  subjects?: string[];
  signal?: AbortSignal;
  /** Told, each time the feed waits, how to say how far it has evaluated, as of when asked (see effective-feed.ts). */
  onEvaluated?: (through: () => string) => void;
}

export class ChangeFeedService {
  constructor(
    private readonly store: EventStore,
    private readonly readModel: ReadModelService,
    private readonly clock: LedgerClock,
  ) {}

  /** Where the ledger feed starts "from now": the store's head. */
  ledgerHead(): Promise<bigint> {
    return this.store.headPosition();
  }

  /** The effective feed's id for "from now": after every transition recorded or due so far. */
  async effectiveNow(): Promise<string> {
    // The model first, then the clock: what is folded while waiting is then "before now", not skipped.
    const model = await this.readModel.current();
    return nowKeyId(model, this.clock.now());
  }

  /**
   * Refuses a resume id of either feed (a ledger position, or an effective
   * transition id) that this ledger never sent: past its newest position, or,
   * on the effective feed, naming a time later than its clock and newest
   * record. Each front end (HTTP, CLI, webhooks) checks before it starts.
   */
  async checkResume(field: string, after: bigint | string | undefined, problems: ErrorDetail[]): Promise<void> {
    if (after === undefined || problems.length) return;
    const head = await this.store.headPosition();
    const value = after.toString();
    if (typeof after === 'bigint') return checkResumeWithinLog(field, after, head, value, problems);
    const key = parseKeyId(after);
    checkResumeWithinLog(field, key.position, head, value, problems);
    const model = await this.readModel.reach(head);
    checkResumeNotAhead(field, key.time, Math.max(this.clock.now(), model.recordTimes.at(-1) ?? 0), value, problems);
  }

  async *ledgerChanges(options: LedgerChangeOptions = {}): AsyncGenerator<LedgerChange> {
    const filter = options.filter ?? {};
    const after = options.after ?? (await this.store.headPosition());
    for await (const event of logAfter(
      this.store,
      this.readModel,
      after,
      options.signal ?? new AbortController().signal,
      { onCaughtUp: options.onEvaluated },
    )) {
      // Subject filters read the model, which must have folded the event.
      const model = filter.subjects?.length ? await this.readModel.reach(event.position) : undefined;
      if (matchesFilter(model, event, filter)) {
        yield { position: event.position, event: sharedCloudEvent(event) };
      }
    }
  }

  effectiveChanges(options: EffectiveChangeOptions = {}): AsyncGenerator<EffectiveTransition> {
    return effectiveTransitions(this.store, this.readModel, this.clock, {
      ...options,
      signal: options.signal ?? new AbortController().signal,
    });
  }

  ledgerChanges$(options: Omit<LedgerChangeOptions, 'signal'> = {}): Observable<LedgerChange> {
    return fromFeed((signal) => this.ledgerChanges({ ...options, signal }));
  }

  effectiveChanges$(options: Omit<EffectiveChangeOptions, 'signal'> = {}): Observable<EffectiveTransition> {
    return fromFeed((signal) => this.effectiveChanges({ ...options, signal }));
  }
}

/** An Observable over a feed: unsubscribing aborts the feed. */
function fromFeed<T>(open: (signal: AbortSignal) => AsyncGenerator<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const abort = new AbortController();
    void (async () => {
      try {
        for await (const item of open(abort.signal)) {
          if (subscriber.closed) break;
          subscriber.next(item);
        }
        subscriber.complete();
      } catch (error) {
        subscriber.error(error);
      }
    })();
    return () => abort.abort();
  });
}
