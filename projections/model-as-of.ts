/**
 * The read model as known at a position: its measures hold only the facts
 * recorded by then. Queries resolve a measure as known at a past position from
 * scratch each time; a feed asks about the same measure at the same position
 * once per subject, so the truncated measures are kept, with their resolved
 * history, in a small cache shared by every feed reading the model.
 */
import { extendMeasure, resolveMeasure } from '../src/domain/resolve-measure.js';
import { countUpTo, type LedgerReadModel } from './ledger-read-model.js';

type MeasureEntry = LedgerReadModel['measures'] extends Map<string, infer E> ? E : never;

/**
 * A feed needs a measure as known just before and just after each record, so
 * a few entries suffice; resolved histories are large, and holding many of
 * them costs more in garbage collection than resolving again.
 */
const MAX_ENTRIES = 8;
const MAX_CACHED_FACTS = 50_000;

class TruncatedMeasures {
  /**
   * `measureId␀count` → the measure resolved from its first `count` facts, newest use last (Map order). An entry's
   * `facts` is the measure's whole list, not a copy: `measureAsOf` counts the facts up to the position asked and
   * finds `head` resolved from that many.
   */
  private readonly entries = new Map<string, MeasureEntry>();
  private facts = 0;

  constructor(private readonly model: LedgerReadModel) {}

  entry(measureId: string, position: bigint): MeasureEntry | undefined {
    const full = this.model.measures.get(measureId);
    if (!full) return undefined;
    const known = countUpTo(full.facts, position);
    if (known === full.facts.length) return full;
    const key = `${measureId}\u0000${known}`;
    let entry = this.entries.get(key);
    if (entry) this.entries.delete(key);
    else {
      const head =
        this.extendedFrom(measureId, full.facts, known) ?? resolveMeasure(measureId, full.facts.slice(0, known));
      entry = { facts: full.facts, ...(full.setAside ? { setAside: full.setAside } : {}), head, headLength: known };
      this.facts += known;
      for (const [oldKey, old] of this.entries) {
        // The two newest stay, whatever their size: the pair a record is evaluated between.
        if (this.entries.size < 2 || (this.facts <= MAX_CACHED_FACTS && this.entries.size < MAX_ENTRIES)) break;
        this.entries.delete(oldKey);
        this.facts -= old.headLength!;
      }
    }
    this.entries.set(key, entry);
    return entry;
  }

  /**
   * The measure as known after `known` facts, extended from the longest kept
   * resolution of it short of that (a feed walks records in order: the measure
   * just after one record is the one just before the next, plus a fact),
   * rather than resolved from scratch; nothing when there is none to extend.
   */
  private extendedFrom(measureId: string, facts: MeasureEntry['facts'], known: number) {
    let from: MeasureEntry | undefined;
    for (const [key, kept] of this.entries) {
      const length = kept.headLength;
      if (
        kept.head &&
        length !== undefined &&
        length < known &&
        length > (from?.headLength ?? -1) &&
        key === `${measureId}\u0000${length}`
      )
        from = kept;
    }
    return from?.head && extendMeasure(from.head, facts, from.headLength!, known);
  }
}

/** Measures as known at a position; everything else reads through to the model. */
class MeasuresAsOf extends Map<string, MeasureEntry> {
  constructor(
    private readonly truncated: TruncatedMeasures,
    private readonly position: bigint,
  ) {
    super();
  }

  /** Each measure looked up in the shared cache once: a feed asks once per subject, and there can be thousands. */
  private readonly looked = new Map<string, MeasureEntry | undefined>();

  override get(measureId: string): MeasureEntry | undefined {
    if (this.looked.has(measureId)) return this.looked.get(measureId);
    const entry = this.truncated.entry(measureId, this.position);
    this.looked.set(measureId, entry);
    return entry;
  }

  override has(measureId: string): boolean {
    return this.get(measureId) !== undefined;
  }
}

const caches = new WeakMap<LedgerReadModel, TruncatedMeasures>();

/**
 * The model as known at `position`, for the query functions (which read
 * measures through `measureAsOf`): answers equal those of the model itself
 * asked as of `position`, with each truncated measure resolved once.
 */
export function modelAsOf(model: LedgerReadModel, position: bigint): LedgerReadModel {
  let truncated = caches.get(model);
  if (!truncated) {
    truncated = new TruncatedMeasures(model);
    caches.set(model, truncated);
  }
  return { ...model, measures: new MeasuresAsOf(truncated, position) };
}
