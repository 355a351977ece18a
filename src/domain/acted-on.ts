/**
 * Which grant an amendment or revocation acts on, and which announcement a
 * withdrawal or an enactment closes.
 *
 * The rule. An amendment or a revocation acts on the grant of its exemption id
 * that stood when it was recorded: the latest standing grant of that id
 * recorded before it (none: it acts on nothing). A withdrawal or an enactment
 * closes the latest standing announcement of its id recorded before it. An id
 * can be given again once no grant (announcement) of it stands, as when the
 * grant was retracted as a mistake; the new grant is a new fact, and nothing
 * recorded about the retracted one acts on it. A corrected fact keeps its place
 * in record order, so a correction changes what it says, not when it was said.
 *
 * Record order, not record time as it then stood: a grant brought back by
 * retracting its retraction takes on the changes of its id recorded after it
 * and before the next standing grant of the id. restoration.ts refuses to bring
 * one back beside another standing grant of its id, or where it would take on a
 * change recorded after another grant of its id was (one about that grant);
 * correction-place.ts refuses the like for corrections.
 */
import { enactsOf, type StandingFact } from './facts.js';

type Grant = StandingFact<'ExemptionGranted'>;
type Announcement = StandingFact<'EasingAnnounced'>;

/** The announcement a fact closes by its type or its `enacts`, if any. */
export function closedAnnouncementId(fact: StandingFact): string | undefined {
  return fact.type === 'AnnouncementWithdrawn' ? fact.data.announcementId : enactsOf(fact.data);
}

export const isExemptionChange = (fact: StandingFact): fact is StandingFact<'ExemptionAmended' | 'ExemptionRevoked'> =>
  fact.type === 'ExemptionAmended' || fact.type === 'ExemptionRevoked';

export interface ActedOn {
  /** Each standing amendment or revocation that acts on a grant, and that grant. */
  grantOf: Map<StandingFact, Grant>;
  /** Each standing withdrawal or enactment that closes an announcement, and that announcement. */
  announcementOf: Map<StandingFact, Announcement>;
  /** The latest standing grant of each exemption id: what a command recorded now acts on. */
  latestGrant: Map<string, Grant>;
  latestAnnouncement: Map<string, Announcement>;
  /** The grants a standing revocation acts on, and the announcements a standing withdrawal or enactment closes. */
  ended: Set<StandingFact>;
}

/** What each fact acts on, from the standing facts in record order: one pass. */
export function actedOn(facts: readonly StandingFact[]): ActedOn {
  const found: ActedOn = {
    grantOf: new Map(),
    announcementOf: new Map(),
    latestGrant: new Map(),
    latestAnnouncement: new Map(),
    ended: new Set(),
  };
  for (const fact of facts) {
    if (isExemptionChange(fact)) {
      const grant = found.latestGrant.get(fact.data.exemptionId);
      if (grant) found.grantOf.set(fact, grant);
      if (grant && fact.type === 'ExemptionRevoked') found.ended.add(grant);
    }
    const closed = closedAnnouncementId(fact);
    const announcement = closed === undefined ? undefined : found.latestAnnouncement.get(closed);
    if (announcement) (found.announcementOf.set(fact, announcement), found.ended.add(announcement));
    // After the fact's own changes: a grant that enacts an announcement is recorded after nothing of its own id.
    if (fact.type === 'ExemptionGranted') found.latestGrant.set(fact.data.exemptionId, fact);
    else if (fact.type === 'EasingAnnounced') found.latestAnnouncement.set(fact.data.announcementId, fact);
  }
  return found;
}
