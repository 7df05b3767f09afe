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

/** Does any of the terms' normalised forms occur among the found ones (a quick reject before the full check). */
export function anyFound(found: Set<string>, terms: ReadonlyArray<{ norm: string }>): boolean {
  for (let i = 0; i < terms.length; i++) if (found.has(terms[i].norm)) return true;
  return false;
}
