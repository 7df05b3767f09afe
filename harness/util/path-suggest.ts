import { distance } from 'fastest-levenshtein';

// "Did you mean": when a response path matches nothing in a body that does
// hold text, list the paths that hold strings there, closest to the written
// path first. `data.answers[0].content` is offered as `data.answers[*].content`
// so that a reply of several answers is read whole.

export interface StringLeaf {
  /** Where the string is, with real indices: data.answers[0].content */
  path: string;
  /** The same path with every index as [*]: data.answers[*].content */
  generic: string;
  value: string;
}

/** Every non-empty string in a JSON value (depth and count bounded: bot output is untrusted). */
export function stringLeaves(data: unknown, limit = 500): StringLeaf[] {
  const out: StringLeaf[] = [];
  const walk = (v: unknown, path: string, generic: string, depth: number) => {
    if (out.length >= limit || depth > 32 || v == null) return;
    if (typeof v === 'string') {
      if (v.trim()) out.push({ path, generic, value: v });
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${path}[${i}]`, `${generic}[*]`, depth + 1));
      return;
    }
    if (typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        const key = /^[A-Za-z_$][\w$-]*$/.test(k) ? k : `["${k}"]`;
        const join = (p: string) => (p ? (key.startsWith('[') ? `${p}${key}` : `${p}.${key}`) : key);
        walk(x, join(path), join(generic), depth + 1);
      }
    }
  };
  walk(data, '', '', 0);
  return out;
}

export interface PathSuggestion {
  /** The path to write in the profile. */
  path: string;
  /** One place it matched, with real indices. */
  example: string;
  /** The text found there. */
  value: string;
}

const words = (p: string) => p.replace(/\[\*\]|\[\d+\]/g, '').split(/[.[\]"]+/).filter(Boolean).map((w) => w.toLowerCase());

/** The string-holding paths of `data` closest to `wanted`, best first. */
export function suggestPaths(data: unknown, wanted: string, max = 3): PathSuggestion[] {
  const leaves = stringLeaves(data);
  const byGeneric = new Map<string, StringLeaf[]>();
  for (const l of leaves) byGeneric.set(l.generic, [...(byGeneric.get(l.generic) ?? []), l]);
  const want = words(wanted);
  const scored = [...byGeneric].map(([generic, ls]) => {
    const have = words(generic);
    // Shared words (singular/plural alike), the last word above all, then edit distance.
    const stem = (w: string) => w.replace(/(es|s)$/, '');
    const shared = want.filter((w) => have.some((h) => stem(h) === stem(w))).length;
    const last = want.length && have.length && stem(want[want.length - 1]) === stem(have[have.length - 1]) ? 1 : 0;
    const d = distance(words(wanted).join('.'), have.join('.'));
    const length = Math.max(...ls.map((l) => l.value.length));
    const prose = ls.some((l) => isProse(l.value));
    return { generic, ls, prose, score: (prose ? 1000 : 0) + last * 100 + shared * 10 - d + Math.min(5, length / 20) };
  });
  // A reply is prose; ids, codes and labels are offered only when there is no prose at all.
  const pool = scored.some((c) => c.prose) ? scored.filter((c) => c.prose) : scored;
  pool.sort((a, b) => b.score - a.score);
  return pool.slice(0, max).map(({ generic, ls }) => ({
    // One match at one index: still offer [*], which reads every answer the bot gives.
    path: generic,
    example: ls[0].path,
    value: ls.map((l) => l.value).join(' / '),
  }));
}

/** Text a person would read: Chinese characters, or several words. */
export function isProse(s: string): boolean {
  return /[\u3400-\u9fff]/.test(s) || s.trim().split(/\s+/).length >= 3;
}
