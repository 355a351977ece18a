/**
 * A report as answered and rendered: its `asOf` is null where its position precedes anything recorded, as every
 * answer's is (knowledge.ts). report.ts builds it with the record time of the knowledge it was given.
 */
import type { AnsweredKnowledge, ResolvedKnowledge } from '../queries/knowledge.js';
import type { SubjectReport } from './report.js';

export type AnsweredReport = Omit<SubjectReport, 'asOf'> & { asOf: string | null };

/** The knowledge report.ts is built from (it takes a record time as text), and the report as answered for `knowledge`. */
export function reportKnowledge(knowledge: AnsweredKnowledge) {
  const built: ResolvedKnowledge = { ...knowledge, asOf: knowledge.asOf ?? '' };
  return {
    built,
    answered: (report: SubjectReport): AnsweredReport => ({ ...report, asOf: knowledge.asOf }),
  };
}
