/** Announcements of easing and the valid-time window in which each is pending. */
import { enactsOf, type StandingFact } from './facts.js';
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

export function announcementWindows(facts: readonly StandingFact[]): AnnouncementWindow[] {
  const windows: AnnouncementWindow[] = [];
  for (const fact of facts) {
    if (fact.type !== 'EasingAnnounced') continue;
    const announcement = fact.data;
    let untilMs = Infinity;
    for (const other of facts) {
      if (other.type === 'AnnouncementWithdrawn' && other.data.announcementId === announcement.announcementId) {
        untilMs = Math.min(untilMs, toMillis(other.data.withdrawnAt));
      } else if (enactsOf(other.data) === announcement.announcementId && !Number.isNaN(other.fromMs)) {
        untilMs = Math.min(untilMs, other.fromMs);
      }
    }
    windows.push({
      fromMs: toMillis(announcement.announcedAt),
      untilMs,
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
