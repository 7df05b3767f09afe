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
