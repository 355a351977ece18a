/**
 * The oracle's view of replay's causes (DOMAIN.md, "Replay and explanations"): at one (subject, knowledge), the
 * answers with an event (or several) left out, whether a credited event makes a difference to the change it is
 * credited with, and which events tried at an instant (transitions.ts) alone decide the change there (for replay,
 * part by part: the restricted, exempt and pending sets).
 */
import type { Cause } from '../../projections/replay.js';
import { expectEqual } from './expect-equal.js';
import { Oracle, type OracleAnswer, type OracleEvent } from './oracle.js';

/**
 * The change a cause is credited with: replay's (`all`: part by part, see `Part`), the timeline's restricted set, or
 * (that unchanged) its breakdown by measure.
 */
type Only = 'all' | 'restricted' | 'breakdown';
/** A part of replay's step: each that changes is credited to the events that change it, the step's causes theirs together. */
type Part = 'restricted' | 'exempt' | 'pending';
const PARTS: Part[] = ['restricted', 'exempt', 'pending'];
/** What a test compares: one part of replay's step, the timeline's restricted set, or its breakdown. */
type Test = { part: Part } | 'restricted' | 'breakdown';
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The oracle at one (subject, knowledge), memoised per instant and per left-out event. */
export function causeOracle(oracle: Oracle, log: OracleEvent[], subject: string, k: number) {
  const cache = new Map<string, OracleAnswer>();
  const standing = new Map<string, OracleEvent[]>();
  const answer = (t: number, without?: string) => {
    const key = `${t}/${without ?? ''}`;
    const left = new Set(without?.split(',') ?? []);
    if (!standing.has(without ?? ''))
      standing.set(
        without ?? '',
        oracle.standing(
          log.filter((e) => !left.has(e.eventId) && !left.has(e.data.eventId)),
          k,
        ),
      );
    if (!cache.has(key)) cache.set(key, oracle.answerFrom(standing.get(without ?? '')!, subject, t));
    return cache.get(key)!;
  };
  const state = (t: number, without?: string) => Oracle.union(answer(t, without));
  /** The parts of replay's step that change at t. */
  const changedParts = (t: number) => PARTS.filter((p) => !same(state(t - 1)[p], state(t)[p]));
  /**
   * Whether leaving the cause out changes the change at t (in the union, or in
   * its own measure's answer when no single event does), or, when the change
   * is overdetermined, leaving out with it the other causes of its measure does.
   * For replay (`all`), in some part of the step that changes (restricted,
   * exempt, pending): each is credited on its own. For the timeline
   * (`restricted`), its measure's answer and the union's exempt paths are
   * compared in the paths whose restriction changed: what is pending, or
   * exempt elsewhere, is not part of that change. For a timeline interval where
   * only the breakdown changes (`breakdown`), what each measure's restricted
   * part became and stopped being.
   */
  const makesADifference = (cause: Cause, t: number, only: Only, all: Cause[]): boolean =>
    only === 'all'
      ? changedParts(t).some((part) => makesADifferenceIn({ part }, cause, t, all))
      : makesADifferenceIn(only, cause, t, all);
  const makesADifferenceIn = (test: Test, cause: Cause, t: number, all: Cause[]): boolean => {
    if (differs(cause, t, test, cause.eventId)) return true;
    if (typeof test === 'object') return jointlyIn(test, cause, t);
    const group = all.filter((c) => c.measureId === cause.measureId);
    const alone = group.every((c) => !differs(c, t, test, c.eventId));
    const together = group.map((c) => c.eventId).join(',');
    // Credited jointly, it brings its measure's change about alone (the others left out), unless none of them does: for
    // the timeline, its measure's part of what became and stopped being restricted.
    const sufficient = (c: Cause) =>
      same(
        ownChange(
          c.measureId,
          t,
          test,
          group
            .filter((o) => o.eventId !== c.eventId)
            .map((o) => o.eventId)
            .join(','),
        ),
        ownChange(c.measureId, t, test),
      );
    const needed = sufficient(cause) || !group.some(sufficient);
    return group.length > 1 && alone && differs(cause, t, test, together) && needed;
  };
  /**
   * For a part of replay's step no event changes alone: the events of the cause's measure tried at t (corrections
   * aside) that do not change it alone, left out together, change it; the cause brings its measure's part of the
   * change about with the others left out (unless none of them does); and where it changes nothing for the subject
   * alone, neither does any other that brings it about (an event that changes nothing for the subject is no cause
   * beside one that does).
   */
  const jointlyIn = (test: { part: Part }, cause: Cause, t: number): boolean => {
    const byId = new Map(log.map((e) => [e.eventId, e]));
    const group = [...(tried.get(t) ?? [])].filter(
      (id) =>
        byId.get(id)!.measureId === cause.measureId &&
        byId.get(id)!.type !== 'EntryCorrected' &&
        !differs({ ...cause, eventId: id }, t, test, id),
    );
    if (!group.includes(cause.eventId) || !differs(cause, t, test, group.join(','))) return false;
    const own = ownChange(cause.measureId, t, test);
    const sufficient = group.filter((id) =>
      same(ownChange(cause.measureId, t, test, group.filter((o) => o !== id).join(',')), own),
    );
    if (!sufficient.length) return true;
    if (!sufficient.includes(cause.eventId)) return false;
    const changesSubject = (id: string) => [t - 1, t].some((u) => !same(state(u), state(u, id)));
    return changesSubject(cause.eventId) || !sufficient.some(changesSubject);
  };
  /** The changed parts of replay's step at t that no cause makes a difference to: every change has a cause. */
  const uncreditedParts = (t: number, causes: Cause[]): Part[] =>
    changedParts(t).filter((part) => !causes.some((c) => makesADifferenceIn({ part }, c, t, causes)));
  /**
   * What a measure's part of the subject's answer became and stopped being from just before t to t; for a part of
   * replay's step, in that part; `restricted`: its restricted part alone, in the paths whose restriction changed for
   * the subject; `breakdown`: its restricted part.
   */
  const ownChange = (measureId: string, t: number, test: Test, without?: string) => {
    const part = (a: OracleAnswer) => ({
      restricted: [...(a.restricted.get(measureId) ?? [])],
      exempt: [...(a.exempt.get(measureId) ?? [])],
      pending: [...a.announced].filter((p) => p.startsWith(`${measureId}/`)),
    });
    const [was, is] = [part(answer(t - 1, without)), part(answer(t, without))];
    const diff = (a: string[], b: string[]) => a.filter((x) => !b.includes(x)).sort();
    if (typeof test === 'object') return [diff(is[test.part], was[test.part]), diff(was[test.part], is[test.part])];
    const changed = test === 'breakdown' ? undefined : changedPaths(t);
    const within = (paths: string[]) => paths.filter((p) => !changed || changed.has(p));
    return [within(diff(is.restricted, was.restricted)), within(diff(was.restricted, is.restricted))];
  };
  const differs = (cause: Cause, t: number, test: Test, without: string) => {
    if (test === 'breakdown') return !same(breakdownChange(t), breakdownChange(t, without));
    const pick = (x: ReturnType<typeof Oracle.union>) => (typeof test === 'object' ? x[test.part] : x.restricted);
    const change = (w?: string) => [pick(state(t - 1, w)), pick(state(t, w))];
    if (!same(change(), change(without))) return true;
    // Overdetermined changes: the cause's own part of the answer, before or at t, must differ without it. For the
    // timeline, what is restricted or exempt in the paths whose restriction changed, for the subject or in its measure.
    const changed = typeof test === 'object' ? undefined : changedPaths(t);
    const own = (a: OracleAnswer) =>
      changed
        ? [
            Oracle.union(a).restricted,
            Oracle.union(a).exempt,
            [...(a.restricted.get(cause.measureId) ?? [])].sort(),
            [...(a.exempt.get(cause.measureId) ?? [])].sort(),
          ].map((paths) => paths.filter((p) => changed.has(p)))
        : typeof test === 'object' && test.part === 'restricted'
          ? [[...(a.restricted.get(cause.measureId) ?? [])].sort()]
          : typeof test === 'object' && test.part === 'exempt'
            ? [[...(a.exempt.get(cause.measureId) ?? [])].sort(), [...a.applying].sort()]
            : [[...a.announced].sort()];
    return [t - 1, t].some((x) => !same(own(answer(x)), own(answer(x, without))));
  };
  /** The paths that became or stopped being restricted for the subject at t. */
  const changedPaths = (t: number) => {
    const [before, after] = [state(t - 1).restricted, state(t).restricted];
    return new Set([...before.filter((p) => !after.includes(p)), ...after.filter((p) => !before.includes(p))]);
  };
  /** What each measure's restricted part became and stopped being from just before t to t, with events left out. */
  const breakdownChange = (t: number, without?: string) => {
    const [was, is] = [answer(t - 1, without).restricted, answer(t, without).restricted];
    const diff = (a?: Set<string>, b?: Set<string>) => [...(a ?? [])].filter((x) => !b?.has(x)).sort();
    return [...new Set([...was.keys(), ...is.keys()])]
      .sort()
      .map((m) => [m, diff(is.get(m), was.get(m)), diff(was.get(m), is.get(m))] as const)
      .filter(([, became, stopped]) => became.length + stopped.length > 0);
  };
  /** What became and stopped being true from just before t to t, in the fields given, with an event left out. */
  const changeOf = (t: number, fields: readonly Part[], without?: string) => {
    const [was, is] = [state(t - 1, without), state(t, without)];
    const diff = (a: string[], b: string[]) => a.filter((x) => !b.includes(x));
    return fields.map((f) => [diff(is[f], was[f]), diff(was[f], is[f])]);
  };
  const tried = triedAt(oracle, log, k);
  /** The events tried at t whose absence alone removes or moves the change there (the timeline's), sorted. */
  const decisive = (t: number, aspect: 'restricted' | 'breakdown'): string[] =>
    [...(tried.get(t) ?? [])]
      .filter((id) =>
        aspect === 'breakdown'
          ? !same(breakdownChange(t), breakdownChange(t, id))
          : !same(changeOf(t, ['restricted']), changeOf(t, ['restricted'], id)),
      )
      .sort();
  /** Each part of replay's step that changes at t, with the events tried there whose absence alone changes it, sorted. */
  const decisiveParts = (t: number): [Part, string[]][] =>
    changedParts(t).map((part) => [
      part,
      [...(tried.get(t) ?? [])].filter((id) => !same(changeOf(t, [part]), changeOf(t, [part], id))).sort(),
    ]);
  return { answer, state, makesADifference, uncreditedParts, decisive, decisiveParts };
}

/**
 * The events a cause is looked for among at each instant (transitions.ts): each standing event at the instants it
 * names (an amendment or revocation also at those of the grant it acts on: DOMAIN.md "What a change acts on"), and each event's latest standing
 * correction at the instants of the event as corrected and as it stood before (the previous correction, or itself).
 */
export function triedAt(oracle: Oracle, log: OracleEvent[], k: number): Map<number, Set<string>> {
  const known = log.filter((e) => e.position <= k);
  const memo = new Map<string, boolean>();
  const retracted = (id: string): boolean => {
    if (!memo.has(id))
      memo.set(
        id,
        known.some((r) => r.type === 'EntryRetracted' && r.data.eventId === id && !retracted(r.eventId)),
      );
    return memo.get(id)!;
  };
  const standing = oracle.standing(log, k);
  const tried = new Map<number, Set<string>>();
  const namedBy = (event: OracleEvent, data: Record<string, any>, id: string) => {
    // An amendment or revocation acts on the latest standing grant of its id recorded before it (a corrected event
    // keeps its position): only that grant's instants are its too, not those of a grant of the id given again later.
    const actedOn = ['ExemptionAmended', 'ExemptionRevoked'].includes(event.type)
      ? standing
          .filter(
            (g) =>
              g.type === 'ExemptionGranted' &&
              g.measureId === event.measureId &&
              g.data.exemptionId === data.exemptionId &&
              g.position < event.position,
          )
          .sort((a, b) => a.position - b.position)
          .at(-1)
      : undefined;
    for (const source of [data, ...(actedOn ? [actedOn.data] : [])])
      for (const field of ['effectiveFrom', 'effectiveUntil', 'announcedAt', 'withdrawnAt'])
        if (typeof source[field] === 'string') {
          const t = Date.parse(source[field]);
          (tried.get(t) ?? tried.set(t, new Set()).get(t)!).add(id);
        }
  };
  for (const event of standing) {
    namedBy(event, event.data, event.eventId);
    const corrections = known
      .filter((c) => c.type === 'EntryCorrected' && c.data.eventId === event.eventId && !retracted(c.eventId))
      .sort((a, b) => a.position - b.position);
    const latest = corrections.at(-1);
    if (!latest) continue;
    const before = corrections.at(-2)?.data.replacement ?? known.find((e) => e.eventId === event.eventId)!.data;
    namedBy(event, event.data, latest.eventId);
    namedBy(event, before, latest.eventId);
  }
  return tried;
}

/**
 * What replay answered beside what the oracle says, compared in one expect per check: an expect call costs more
 * than the comparison it makes, and these run thousands of times.
 */
export class Comparison {
  private readonly actual: unknown[] = [];
  private readonly expected: unknown[] = [];

  add(actual: unknown, expected: unknown): void {
    this.actual.push(actual);
    this.expected.push(expected);
  }

  assert(): void {
    expectEqual(this.actual, this.expected);
  }
}
