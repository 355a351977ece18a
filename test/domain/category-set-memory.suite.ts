/**
 * A category set remembers the last set it was compared with (the effective
 * feed compares thousands of equal sets). A set kept for good, in a read
 * model, must not keep that set alive, nor through it the one compared next:
 * a long-running server compared sets without end and its heap grew with them.
 */
import { describe, expect, it } from '@jest/globals';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CategorySet } from '../../src/domain/categories.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** A new set of the same content each time: equal to the others, never the same object. */
const fresh = () => CategorySet.of(['exports', 'services/cloud']);

/** Compares `first` with a new set, that one with the next, and so on; answers weak references to the new sets. */
function compareInChain(first: CategorySet, count: number): WeakRef<CategorySet>[] {
  const compared: WeakRef<CategorySet>[] = [];
  let previous = first;
  for (let i = 0; i < count; i++) {
    const next = fresh();
    if (!previous.equals(next)) throw new Error('sets of one content compared unequal');
    compared.push(new WeakRef(next));
    previous = next;
  }
  return compared;
}

describe('domain/category-set-memory', () => {
  it('a kept set does not keep the sets compared after it alive', async () => {
    const kept = fresh();
    const compared = compareInChain(kept, 50);
    // A WeakRef made in this turn keeps its target until the turn ends.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(compared.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    // What it remembered still answers for a set still alive.
    const again = fresh();
    expect(kept.equals(again)).toBe(true);
    expect(again.equals(kept)).toBe(true);
    expect(kept.equals(CategorySet.of(['exports']))).toBe(false);
  });
});
