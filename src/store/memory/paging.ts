import { checkLimit, decodePageToken, pageFrom, type KeyShape, type SortKey } from '../page-token.js';
import type { Page, PageRequest } from '../types.js';

/** Compares sort keys part by part (numbers numerically, strings by code unit, as SQLite's BINARY for ASCII). */
export function compareKeys(a: SortKey, b: SortKey): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

export interface Ordering<T, K extends SortKey> {
  list: string;
  key: (item: T) => K;
  shape: KeyShape;
  descending: boolean;
}

/** Sorts and pages `items` the way the SQL adapters do: keyset on the sort key, `limit + 1` to see if more follow. */
export function paginate<T, K extends SortKey>(items: Iterable<T>, order: Ordering<T, K>, page: PageRequest): Page<T> {
  checkLimit(page.limit);
  const sign = order.descending ? -1 : 1;
  let sorted = [...items].sort((a, b) => sign * compareKeys(order.key(a), order.key(b)));
  if (page.after !== undefined) {
    const after = decodePageToken<K>(order.list, page.after, order.shape);
    sorted = sorted.filter((item) => sign * compareKeys(order.key(item), after) > 0);
  }
  return pageFrom(sorted.slice(0, page.limit + 1), page.limit, order.list, order.key);
}
