/** The question a subject page asks, all of it in the URL so it can be shared. */
import { query } from './api.js';

export interface Question {
  subjectId: string;
  category?: string;
  at?: string;
  asOf?: string;
  asOfPosition?: string;
}

export const questionUrl = (q: Question) =>
  `/subjects/${encodeURIComponent(q.subjectId)}${query({ category: q.category, at: q.at, asOf: q.asOfPosition ? undefined : q.asOf, asOfPosition: q.asOfPosition })}`;

export const timeQuery = (q: Question) => ({
  at: q.at,
  asOf: q.asOfPosition ? undefined : q.asOf,
  asOfPosition: q.asOfPosition,
});
