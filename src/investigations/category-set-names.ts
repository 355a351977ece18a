/**
 * The large category sets a report names, each listed once. A verdict's
 * explanation, a timeline row or a table cell that would otherwise restate a
 * measure of thousands of categories names the set ("category set 1, 20000
 * categories") instead, so a report grows with its history, not with the
 * square of its categories. Small sets are still written out in place.
 */
import { categorySetText } from '../domain/categories.js';

/** A set of more paths than this (categories and exceptions together) is named, not written out. */
export const INLINE_SET_PATHS = 20;

export interface NamedCategorySet {
  /** "1", "2", …: how sentences and cells refer to it ("category set 1"). */
  id: string;
  categories: string[];
  except: string[];
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a === b || (a.length === b.length && a.every((x, i) => x === b[i]));

export class CategorySetNames {
  readonly sets: NamedCategorySet[] = [];
  /** Sets by size and end paths, to find a set again without building a key the size of the set. */
  private readonly candidates = new Map<string, NamedCategorySet[]>();

  /** A category set in words: written out when small, otherwise the name of its one listing. */
  readonly text = (categories: readonly string[], except: readonly string[] = []): string => {
    if (categories.length + except.length <= INLINE_SET_PATHS) return categorySetText(categories, except);
    const named = this.nameOf(categories, except);
    const size = `${categories.length} categories${except.length ? `, ${except.length} exceptions` : ''}`;
    return `category set ${named.id} (${size})`;
  };

  /** The id of a set's one listing, listing it if it is not yet. */
  idOf(categories: readonly string[], except: readonly string[] = []): string {
    return this.nameOf(categories, except).id;
  }

  /** The set a list was named for, by the list itself: answers of one report share their measures' lists. */
  private readonly byList = new WeakMap<readonly string[], NamedCategorySet>();

  private nameOf(categories: readonly string[], except: readonly string[]): NamedCategorySet {
    const known = this.byList.get(categories);
    if (known && sameList(known.except, except)) return known;
    const named = this.find(categories, except);
    this.byList.set(categories, named);
    return named;
  }

  private find(categories: readonly string[], except: readonly string[]): NamedCategorySet {
    const key = `${categories.length}/${except.length}/${categories[0]}/${categories.at(-1)}/${except[0]}`;
    const found = this.candidates.get(key) ?? [];
    const same = found.find((s) => sameList(s.categories, categories) && sameList(s.except, except));
    if (same) return same;
    const named = { id: String(this.sets.length + 1), categories: [...categories], except: [...except] };
    this.sets.push(named);
    this.candidates.set(key, [...found, named]);
    return named;
  }
}
