/**
 * A measure's announcements with the withdrawals and enactments that close
 * each, and which are pending at a valid time had some of its events never
 * been recorded: the pending part of a measure's contribution
 * (measure-contribution.ts).
 */
import { enactsOf, type StandingFact } from '../src/domain/facts.js';
import { actedOnUntil, actsOn } from './acted-on-order.js';
import { push, some, toMillis } from './valid-time-lists.js';

interface AnnouncementWindow {
  fromMs: number;
  untilMs: number;
  id: string;
  fact: StandingFact<'EasingAnnounced'>;
}

/** Whether an event opens or ends an announcement's window: only these change the windows worked out. */
export const isAnnouncementFact = (fact: StandingFact) =>
  fact.type === 'EasingAnnounced' || fact.type === 'AnnouncementWithdrawn' || enactsOf(fact.data) !== undefined;

export class AnnouncementFolds {
  private readonly announcements: StandingFact<'EasingAnnounced'>[] = [];
  private readonly announcementsById = new Map<string, StandingFact<'EasingAnnounced'>[]>();
  /** announcementId → the instants (ms) at which each withdrawal or enactment ends it, with its event. */
  private readonly endings = new Map<string, { ms: number; fact: StandingFact }[]>();
  private windows?: AnnouncementWindow[];

  /** Takes in an announcement, withdrawal or enactment (others are not its concern). */
  add(fact: StandingFact): void {
    if (!isAnnouncementFact(fact)) return;
    this.windows = undefined;
    if (fact.type === 'EasingAnnounced') {
      this.announcements.push(fact);
      push(this.announcementsById, fact.data.announcementId, fact);
    }
    const enacts = enactsOf(fact.data);
    if (fact.type === 'AnnouncementWithdrawn')
      push(this.endings, fact.data.announcementId, { ms: toMillis(fact.data.withdrawnAt), fact });
    else if (enacts !== undefined && !Number.isNaN(fact.fromMs)) push(this.endings, enacts, { ms: fact.fromMs, fact });
  }

  remove(fact: StandingFact): void {
    if (!isAnnouncementFact(fact)) return;
    this.windows = undefined;
    const drop = <T>(list: T[] | undefined, match: (item: T) => boolean) => {
      const index = list?.findIndex(match) ?? -1;
      if (index >= 0) list!.splice(index, 1);
    };
    drop<StandingFact>(this.announcements, (f) => f === fact);
    if (fact.type === 'EasingAnnounced')
      drop<StandingFact>(this.announcementsById.get(fact.data.announcementId), (f) => f === fact);
    for (const list of this.endings.values()) drop(list, (e) => e.fact === fact);
  }

  /** Adds `<measureId>/<announcementId>` of each announcement pending at t, had those in `skip` not been recorded. */
  pendingAt(measureId: string, t: number, skip: ReadonlySet<StandingFact> | undefined, pending: string[]): string[] {
    const touched = some(skip, isAnnouncementFact);
    for (const window of this.announcementWindows()) {
      if (window.fromMs > t) break;
      if (!touched) {
        if (t < window.untilMs) pending.push(`${measureId}/${window.id}`);
      } else if (
        !skip!.has(window.fact) &&
        !this.endingsOf(window.fact, skip).some((e) => !skip!.has(e.fact) && e.ms <= t)
      ) {
        pending.push(`${measureId}/${window.id}`);
      }
    }
    return pending;
  }

  /** Each announcement with the window in which it is pending, by announcement time; computed once per change. */
  private announcementWindows(): AnnouncementWindow[] {
    this.windows ??= this.announcements
      .map((fact) => {
        const id = fact.data.announcementId;
        const untilMs = Math.min(Infinity, ...this.endingsOf(fact).map((e) => e.ms));
        return { fromMs: toMillis(fact.data.announcedAt), untilMs, id, fact };
      })
      .sort((a, b) => a.fromMs - b.fromMs);
    return this.windows;
  }

  /** The withdrawals and enactments that close an announcement (acted-on.ts), had those in `skip` not been recorded. */
  private endingsOf(announcement: StandingFact<'EasingAnnounced'>, skip?: ReadonlySet<StandingFact>) {
    const id = announcement.data.announcementId;
    const until = actedOnUntil(this.announcementsById.get(id), announcement, skip);
    return (this.endings.get(id) ?? []).filter((e) => actsOn(e.fact, announcement, until));
  }
}
