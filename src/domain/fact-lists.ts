/**
 * A measure history's standing facts, in record order and in valid-time
 * order, shared by the versions of a history that only add facts. A version
 * notes what it added to the lists of the one it extends and builds its own
 * lists only when asked. Copying both lists for every event made each read
 * after a write, and each record a feed evaluates, allocate the whole measure
 * again: at a hundred writes a second that garbage lived just long enough to
 * reach the old generation and kept full collections coming.
 */
import type { StandingFact } from './facts.js';
import { byValidTimeOrder, hasValidTime } from './valid-time-order.js';

/** How many added facts a version notes before it builds its lists: a bound on what each extension copies. */
const MAX_NOTED = 64;

type Order = 'record' | 'valid-time';

/** One list, built on first use from the list it extends and the facts added since. */
class SharedList {
  private list?: StandingFact[];
  /** What the list extends, and the facts added since, in record order: kept until the list is built. */
  private base?: readonly StandingFact[];
  private added: readonly StandingFact[] = [];

  constructor(
    private readonly order: Order,
    list?: StandingFact[],
  ) {
    this.list = list;
  }

  get(): StandingFact[] {
    if (!this.list) {
      this.list = this.order === 'record' ? this.base!.concat(this.added) : mergeByValidTime(this.base!, this.added);
      this.base = undefined;
      this.added = [];
    }
    return this.list;
  }

  /** Whether any fact of the list is one, without building the list. */
  some(predicate: (fact: StandingFact) => boolean): boolean {
    if (this.list) return this.list.some(predicate);
    return this.base!.some(predicate) || this.added.some(predicate);
  }

  extendedBy(added: readonly StandingFact[]): SharedList {
    const next = new SharedList(this.order);
    if (this.list) {
      next.base = this.list;
      next.added = added;
    } else {
      next.base = this.base;
      next.added = this.added.concat(added);
    }
    if (next.added.length > MAX_NOTED) next.get();
    return next;
  }
}

/** A sorted list with facts added (in record order, so ties keep record order), as a new list. */
function mergeByValidTime(sorted: readonly StandingFact[], added: readonly StandingFact[]): StandingFact[] {
  const extra = added.filter(hasValidTime).sort(byValidTimeOrder);
  if (!extra.length) return sorted.slice();
  const merged: StandingFact[] = [];
  let i = 0;
  for (const fact of extra) {
    while (i < sorted.length && byValidTimeOrder(sorted[i]!, fact) <= 0) merged.push(sorted[i++]!);
    merged.push(fact);
  }
  while (i < sorted.length) merged.push(sorted[i++]!);
  return merged;
}

export class FactLists {
  private constructor(
    private readonly recordOrder: SharedList,
    private validTimeOrder: SharedList | undefined,
    private readonly facts: StandingFact[] | undefined,
  ) {}

  /** Lists of facts resolved from scratch (in record order): the valid-time order is sorted when first asked. */
  static of(facts: StandingFact[]): FactLists {
    return new FactLists(new SharedList('record', facts), undefined, facts);
  }

  /** Standing facts other than retractions and corrections, in record order. */
  inRecordOrder(): StandingFact[] {
    return this.recordOrder.get();
  }

  /** Whether any standing fact is one, without building the list of them. */
  some(predicate: (fact: StandingFact) => boolean): boolean {
    return this.recordOrder.some(predicate);
  }

  /** Facts with a valid time of their own (see `hasValidTime`), by valid time, ties in record order. */
  inValidTimeOrder(): StandingFact[] {
    return this.validTimeList().get();
  }

  /** These lists with facts added after them, in record order; neither list is copied until asked for. */
  extendedBy(added: readonly StandingFact[]): FactLists {
    return new FactLists(this.recordOrder.extendedBy(added), this.validTimeList().extendedBy(added), undefined);
  }

  /** Sorted from the facts of a resolution from scratch once, rather than by each version extending it. */
  private validTimeList(): SharedList {
    return (this.validTimeOrder ??= new SharedList(
      'valid-time',
      this.facts!.filter(hasValidTime).sort(byValidTimeOrder),
    ));
  }
}
