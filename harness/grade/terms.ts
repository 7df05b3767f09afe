// Which of many fixed terms occur in a text. A reply is read against every
// pack's vocabulary (about a thousand words): terms are bucketed by their
// first character, so only those that start with a character of the text
// are looked for at all.

export class TermFinder {
  private readonly byFirst = new Map<string, string[]>();

  constructor(terms: Iterable<string>) {
    for (const t of new Set(terms)) {
      if (!t) continue;
      const list = this.byFirst.get(t[0]);
      if (list) list.push(t);
      else this.byFirst.set(t[0], [t]);
    }
  }

  /** The terms that occur in the text (as substrings). */
  find(text: string): Set<string> {
    const found = new Set<string>();
    const seen = new Set<string>();
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (seen.has(c)) continue;
      seen.add(c);
      const list = this.byFirst.get(c);
      if (!list) continue;
      for (const t of list) if (text.includes(t, i)) found.add(t);
    }
    return found;
  }
}

const finders = new WeakMap<object, TermFinder>();

/** One finder per owner object (a pack set's topic index, a focus list). */
export function finderFor(owner: object, terms: () => Iterable<string>): TermFinder {
  let f = finders.get(owner);
  if (!f) finders.set(owner, (f = new TermFinder(terms())));
  return f;
}

const holders = new WeakMap<object, Map<string, object[]>>();

/**
 * The items (key points) that list any of the found terms, from a term → items
 * table built once per owner: a reply touches a few key points out of hundreds.
 */
export function holdersOf<T extends object>(owner: object, items: () => Iterable<readonly [string, T]>, found: Set<string>): Set<T> {
  let table = holders.get(owner);
  if (!table) {
    table = new Map();
    for (const [term, item] of items()) {
      const list = table.get(term);
      if (list) list.push(item);
      else table.set(term, [item]);
    }
    holders.set(owner, table);
  }
  const out = new Set<T>();
  for (const term of found) for (const item of table.get(term) ?? []) out.add(item as T);
  return out;
}

const listIndexes = new WeakMap<readonly string[], { byFirst: Map<number, number[]>; empty: number[] }>();

/** A fixed list (a locale's phrases, the bank's businesses) indexed by first character, once per list. */
function listIndex(list: readonly string[]): { byFirst: Map<number, number[]>; empty: number[] } {
  let index = listIndexes.get(list);
  if (!index) {
    const byFirst = new Map<number, number[]>();
    const empty: number[] = [];
    list.forEach((item, i) => {
      if (!item) return void empty.push(i);
      const c = item.charCodeAt(0);
      const at = byFirst.get(c);
      if (at) at.push(i);
      else byFirst.set(c, [i]);
    });
    listIndexes.set(list, (index = { byFirst, empty }));
  }
  return index;
}

/**
 * The items of a fixed list that occur in the text, in the list's order: what
 * filtering the list by `text.includes` gives, found from the text's
 * characters rather than by searching the text for every item.
 */
export function occurring(list: readonly string[], text: string): string[] {
  const index = listIndex(list);
  const found = new Set<number>(index.empty);
  for (let i = 0; i < text.length; i++) {
    const at = index.byFirst.get(text.charCodeAt(i));
    if (at) for (const k of at) if (!found.has(k) && text.startsWith(list[k], i)) found.add(k);
  }
  if (found.size === 0) return [];
  return [...found].sort((a, b) => a - b).map((k) => list[k]);
}

/** The first item of a fixed list that occurs in the text: what `list.find((x) => text.includes(x))` gives. */
export function firstOccurring(list: readonly string[], text: string): string | undefined {
  const index = listIndex(list);
  let first = index.empty.length ? index.empty[0] : list.length;
  for (let i = 0; i < text.length; i++) {
    const at = index.byFirst.get(text.charCodeAt(i));
    if (at) for (const k of at) if (k < first && text.startsWith(list[k], i)) first = k;
  }
  return first < list.length ? list[first] : undefined;
}
