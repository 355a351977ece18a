/**
 * The steps of an explanation that do not depend on the category asked: a
 * measure's restriction, how it names the subject, its scope changes and the
 * corrections and retractions of its records. Every verdict on a category of
 * that measure gives them again; in a report of many verdicts (a measure of
 * thousands of categories, reached through hundreds of broadenings), they are
 * written once, and each verdict gives one step that refers to them.
 */
import type { ExplanationKind, ExplanationStep } from '../../projections/explain.js';

export interface SharedExplanation {
  /** "A", "B", …: how a verdict refers to it. */
  id: string;
  measureId: string;
  steps: ExplanationStep[];
}

const SHARED_KINDS = new Set<ExplanationKind>(['restriction', 'subject', 'scope', 'correction', 'retraction']);

/** A, B, …, Z, AA, AB, …: short, and never mistaken for a position or a category set's number. */
function letters(n: number): string {
  let id = '';
  for (let i = n + 1; i > 0; i = Math.floor((i - 1) / 26)) id = String.fromCharCode(65 + ((i - 1) % 26)) + id;
  return id;
}

export function shareMeasureSteps() {
  const shared: SharedExplanation[] = [];
  const byContent = new Map<string, SharedExplanation>();
  // Explained with shared steps (explainCheck's SharedSteps), a run is the same step objects each time: found by them.
  const byFirstStep = new WeakMap<ExplanationStep, SharedExplanation>();
  const sameSteps = (entry: SharedExplanation | undefined, run: ExplanationStep[]) =>
    entry && entry.steps.length === run.length && entry.steps.every((s, i) => s === run[i]) ? entry : undefined;
  const byText = (measureId: string, run: ExplanationStep[]) => {
    const key = `${measureId}\n${run.map((s) => `${s.kind} ${s.sentence} ${s.events.map((e) => e.eventId).join(' ')}`).join('\n')}`;
    let entry = byContent.get(key);
    if (!entry) {
      entry = { id: letters(shared.length), measureId, steps: run };
      shared.push(entry);
      byContent.set(key, entry);
    }
    return entry;
  };
  return {
    shared,
    /** The explanation with each measure's shared steps replaced by one step naming where they are written. */
    refer(explanation: ExplanationStep[]): ExplanationStep[] {
      const runs = new Map<string, ExplanationStep[]>();
      for (const step of explanation) {
        if (!SHARED_KINDS.has(step.kind) || step.measureId === undefined) continue;
        const run = runs.get(step.measureId);
        if (run) run.push(step);
        else runs.set(step.measureId, [step]);
      }
      // The events of the steps written once are given there: the verdict's own step keeps only the others.
      const sharedEvents = new Set(
        [...runs.values()].flatMap((run) => run.flatMap((s) => s.events.map((e) => e.eventId))),
      );
      const out: ExplanationStep[] = [];
      for (const step of explanation) {
        if (step.kind === 'verdict') {
          out.push({ ...step, events: step.events.filter((e) => !sharedEvents.has(e.eventId)) });
          continue;
        }
        const run = step.measureId !== undefined && SHARED_KINDS.has(step.kind) ? runs.get(step.measureId) : undefined;
        if (!run) {
          out.push(step);
          continue;
        }
        if (run[0] !== step) continue; // the run is referred to where its first step stood
        const entry = sameSteps(byFirstStep.get(step), run) ?? byText(step.measureId!, run);
        byFirstStep.set(step, entry);
        out.push({
          kind: step.kind,
          measureId: step.measureId,
          sentence: `${step.measureId}: the ${run.length} step${run.length === 1 ? '' : 's'} of shared explanation ${entry.id} (its restriction, subjects, scope changes and corrections, written once for every category).`,
          events: [],
        });
      }
      return out;
    },
  };
}
