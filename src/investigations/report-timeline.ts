/**
 * The subject's timeline as a report gives it: each interval's large
 * category sets named (`categorySet`, listed once in the report's
 * `categorySets`) instead of listed, so that a measure that reached
 * thousands of categories through hundreds of broadenings does not restate
 * them all in every interval.
 */
import type { SubjectTimeline, TimelineInterval } from '../../projections/subject-queries.js';
import { INLINE_SET_PATHS, type CategorySetNames } from './category-set-names.js';

/** Listed (`categories`, `except`) when small; otherwise named (`categorySet`: the id of a set in `categorySets`). */
export type ReportSet = { categories: string[]; except: string[] } | { categorySet: string };

export interface ReportTimelineInterval extends Omit<TimelineInterval, 'restricted' | 'became'> {
  restricted: ({ measureId: string } & ReportSet)[];
  became: { restricted: ReportSet; unrestricted: ReportSet };
}

export interface ReportTimeline extends Omit<SubjectTimeline, 'intervals'> {
  intervals: ReportTimelineInterval[];
}

function reportSet(set: { categories: string[]; except: string[] }, names: CategorySetNames): ReportSet {
  if (set.categories.length + set.except.length <= INLINE_SET_PATHS)
    return { categories: set.categories, except: set.except };
  return { categorySet: names.idOf(set.categories, set.except) };
}

export function reportTimeline(timeline: SubjectTimeline, names: CategorySetNames): ReportTimeline {
  return {
    ...timeline,
    intervals: timeline.intervals.map((interval) => ({
      ...interval,
      restricted: interval.restricted.map((r) => ({ measureId: r.measureId, ...reportSet(r, names) })),
      became: {
        restricted: reportSet(interval.became.restricted, names),
        unrestricted: reportSet(interval.became.unrestricted, names),
      },
    })),
  };
}
