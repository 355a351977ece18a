/** Announcements of easing and the valid-time window in which each is pending. */
import type { StandingFact } from './facts.js';
import { toMillis } from './time.js';

export interface AnnouncementAt {
  announcementId: string;
  statement: string;
  announcedAt: string;
  categories?: string[];
  basis: StandingFact[];
}

/** Pending from its announcement until the first withdrawal or enactment effective (untilMs, exclusive). */
export interface AnnouncementWindow {
  fromMs: number;
  untilMs: number;
  announcement: AnnouncementAt;
}

/**
 * Each announcement's window, ended by the first withdrawal or enactment that
 * closes it (`closing`, see acted-on.ts): one recorded about an earlier
 * announcement of its id, since retracted, ends nothing.
 */
export function announcementWindows(
  facts: readonly StandingFact[],
  closing: ReadonlyMap<StandingFact, StandingFact<'EasingAnnounced'>>,
): AnnouncementWindow[] {
  const untilOf = new Map<StandingFact, number>();
  for (const [fact, announcement] of closing) {
    const ms = fact.type === 'AnnouncementWithdrawn' ? toMillis(fact.data.withdrawnAt) : fact.fromMs;
    if (!Number.isNaN(ms)) untilOf.set(announcement, Math.min(untilOf.get(announcement) ?? Infinity, ms));
  }
  const windows: AnnouncementWindow[] = [];
  for (const fact of facts) {
    if (fact.type !== 'EasingAnnounced') continue;
    const announcement = fact.data;
    windows.push({
      fromMs: toMillis(announcement.announcedAt),
      untilMs: untilOf.get(fact) ?? Infinity,
      announcement: {
        announcementId: announcement.announcementId,
        statement: announcement.statement,
        announcedAt: announcement.announcedAt,
        ...(announcement.categories ? { categories: announcement.categories } : {}),
        basis: [fact],
      },
    });
  }
  return windows;
}
