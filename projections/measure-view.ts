/** One measure as in force at a valid time, as known at a record time. */
import { basisOf, type BasisEntry } from '../src/domain/basis.js';
import type { CategorySet } from '../src/domain/categories.js';
import { exemptionCovers, type ExemptionAt } from '../src/domain/exemption-steps.js';
import { measureAsOf, type LedgerReadModel } from './ledger-read-model.js';
import { bearingEasings, type Knowledge } from './subject-queries.js';
import { finish } from './transitions.js';

/** Subjects looked at between two pauses: a measure can name a hundred thousand. */
const SUBJECTS_PER_STEP = 2_000;

export interface MeasureView {
  measureId: string;
  at: string;
  asOfPosition: string;
  title: string;
  jurisdiction: string;
  authority: string;
  citation?: string;
  announcedAt: string | null;
  effectiveFrom: string;
  effectiveUntil: string | null;
  inForce: boolean;
  liftedFrom: string | null;
  subjects: string[];
  scope: { categories: string[]; except: string[] };
  exemptions: {
    exemptionId: string;
    title: string;
    categories: string[];
    except: string[];
    /** 'all': every subject of the measure at `at`. */
    subjects: string[] | 'all';
    withoutSubjects: string[];
    effectiveFrom: string;
    effectiveUntil: string | null;
    basis: BasisEntry[];
  }[];
  pending: { announcementId: string; statement: string; announcedAt: string; basis: BasisEntry[] }[];
  /** Every standing event of the measure as known at asOf (retracted ones left out, corrections applied). */
  basis: BasisEntry[];
}

export function measureView(model: LedgerReadModel, measureId: string, k: Knowledge): MeasureView | undefined {
  return finish(measureViewSteps(model, measureId, k));
}

/** The same, pausing (yielding) every few thousand subjects, so a server can let other work run between. */
export function* measureViewSteps(
  model: LedgerReadModel,
  measureId: string,
  k: Knowledge,
): Generator<void, MeasureView | undefined> {
  const history = measureAsOf(model, measureId, k.asOfPosition);
  if (!history?.exists) return undefined;
  const subjects: string[] = [];
  let looked = 0;
  for (const subject of history.mentionedSubjects()) {
    if (history.subjectFactAt(subject, k.at)) subjects.push(subject);
    if (++looked % SUBJECTS_PER_STEP === 0) yield;
  }
  const imposition = history.imposition!;
  const scope = history.scopeCategoriesAt(k.at);
  const lift = history.liftedBy(k.at);
  const named = new Set(subjects);
  return {
    measureId,
    at: new Date(k.at).toISOString(),
    asOfPosition: k.asOfPosition.toString(),
    title: imposition.title,
    jurisdiction: imposition.jurisdiction,
    authority: imposition.authority,
    ...(imposition.citation ? { citation: imposition.citation } : {}),
    announcedAt: imposition.announcedAt ?? null,
    effectiveFrom: imposition.effectiveFrom,
    effectiveUntil: imposition.effectiveUntil ?? null,
    inForce: history.inForceAt(k.at),
    liftedFrom: lift ? lift.data.effectiveFrom : null,
    subjects: subjects.sort(),
    scope: scope.toAnswer(),
    exemptions: carvingExemptions(history.exemptionsAt(k.at), scope, named).map(({ exemption: e, covered }) => ({
      exemptionId: e.exemptionId,
      title: e.title,
      categories: e.categories.include,
      except: e.categories.exclude,
      subjects: covered ?? 'all',
      withoutSubjects: [...e.removed].filter((s) => named.has(s)).sort(),
      effectiveFrom: e.effectiveFrom,
      effectiveUntil: e.effectiveUntil ?? null,
      basis: basisOf(e.basis),
    })),
    pending: bearingEasings(history, k.at).map((p) => ({
      announcementId: p.announcementId,
      statement: p.statement,
      announcedAt: p.announcedAt,
      basis: basisOf(p.basis),
    })),
    basis: basisOf(history.facts),
  };
}

/**
 * The exemptions that carve something out of the measure at T, each with the subjects of the measure at T it names
 * (undefined: every one). One whose categories all lie outside the scope, or that covers none of the measure's
 * subjects at T (its only subject removed from the measure since), carves nothing, as the state and checks say.
 */
function carvingExemptions(
  exemptions: readonly ExemptionAt[],
  scope: CategorySet,
  subjects: ReadonlySet<string>,
): { exemption: ExemptionAt; covered?: string[] }[] {
  return exemptions.flatMap((exemption) => {
    if (!exemption.categories.intersects(scope)) return [];
    if (!exemption.subjects) {
      // Every subject but those taken off it: it covers some unless it was taken off every one the measure names.
      for (const subject of subjects) if (!exemption.removed.has(subject)) return [{ exemption }];
      return [];
    }
    const covered = [...new Set([...exemption.subjects, ...exemption.added])]
      .filter((s) => subjects.has(s) && exemptionCovers(exemption, s))
      .sort();
    return covered.length ? [{ exemption, covered }] : [];
  });
}
