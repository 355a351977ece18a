/** The shapes of the answers the app reads (README, "HTTP API (v1)"). */
/** A category set as every answer gives it: the categories, and the subcategories excepted from them. */
export interface CategorySetAnswer {
  categories: string[];
  except: string[];
}

export interface Source {
  url: string;
  title?: string;
  publishedAt?: string;
}

export interface Provenance {
  actor?: string;
  commandId?: string;
  citation?: string;
  sources?: Source[];
  note?: string;
}

export interface BasisEntry {
  eventId: string;
  type: string;
  position: string;
  recordedAt: string;
  citation?: string;
}

export interface Clocks {
  asOf: string;
  asOfPosition: string;
  notice?: string;
  setAside?: { eventId: string; type: string; measureId: string; position: string; reason: string }[];
  subjectKnown?: boolean;
}

export interface ExplanationSentence {
  kind: string;
  measureId?: string;
  sentence: string;
  events: { eventId: string; position: string; citation?: string }[];
}

export interface CheckAnswer extends Clocks {
  subjectId: string;
  category: string;
  at: string;
  status: 'restricted' | 'partially-restricted' | 'not-restricted';
  explanation: ExplanationSentence[];
  basis: BasisEntry[];
}

export interface StateAnswer extends Clocks {
  subjectId: string;
  at: string;
  restricted: {
    measureId: string;
    title: string;
    citation?: string;
    categories: string[];
    except: string[];
    basis: BasisEntry[];
  }[];
  exemptions: {
    measureId: string;
    exemptionId: string;
    title: string;
    categories: string[];
    except: string[];
    effectiveFrom: string;
    effectiveUntil?: string | null;
    basis: BasisEntry[];
  }[];
  pending: {
    measureId: string;
    announcementId?: string;
    kind?: string;
    statement: string;
    announcedAt: string;
    categories?: string[];
    basis: BasisEntry[];
  }[];
}

export interface SubjectStateAt {
  at: string;
  asOfPosition: string;
  restricted: CategorySetAnswer;
  exempt: CategorySetAnswer;
  pending: string[];
}

export interface Cause {
  eventId: string;
  type: string;
  measureId: string;
  position: string;
  recordedAt?: string;
  citation?: string;
  role: 'starts' | 'ends';
  provenance: Provenance;
}

export interface ReplayStep {
  position: string | null;
  recordedAt?: string | null;
  eventId: string | null;
  type: string | null;
  measureId: string | null;
  effectiveAt: string;
  citation?: string | null;
  before: SubjectStateAt;
  after: SubjectStateAt;
  changes: {
    became: { restricted: CategorySetAnswer; exempt: CategorySetAnswer; pending: string[] };
    stopped: { restricted: CategorySetAnswer; exempt: CategorySetAnswer; pending: string[] };
  };
  unchanged: boolean;
  causes: Cause[];
  provenance: Provenance;
}

export interface ReplayAnswer extends Clocks {
  subjectId: string;
  order: 'record' | 'valid';
  steps: ReplayStep[];
}

export interface MeasureAnswer extends Clocks {
  measureId: string;
  at: string;
  title: string;
  jurisdiction: string;
  authority: string;
  citation?: string;
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
    subjects: string[] | 'all';
    effectiveFrom: string;
    effectiveUntil: string | null;
    basis: BasisEntry[];
  }[];
  pending: { announcementId?: string; statement: string; announcedAt: string; basis: BasisEntry[] }[];
  basis: BasisEntry[];
}

export interface LedgerEvent {
  eventId: string;
  streamId: string;
  type: string;
  position: string;
  recordedAt: string;
  data: Record<string, unknown> & {
    citation?: string;
    effectiveFrom?: string;
    effectiveUntil?: string;
    sources?: Source[];
  };
  metadata: { actor?: string };
}

export interface Listing {
  items: ({ subjectId: string } | { measureId: string; title: string | null })[];
  next: string | null;
}
