// Bot output is untrusted: everything that reaches the page goes through here.

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const special = /[&<>"']/;

export function esc(value: unknown): string {
  const text = String(value ?? '');
  // Most of a page's text has nothing to escape: no new string for it.
  return special.test(text) ? text.replace(/[&<>"']/g, (c) => entities[c]) : text;
}

const ignorable = /[\p{P}\p{S}\s]/u;

/**
 * The reply folded the way graders compare text (NFKC, lower case, no
 * punctuation or spaces), with each folded character's position in the
 * original, so a match found on folded text ("ii类") marks the original ("Ⅱ类").
 */
function fold(text: string): { folded: string; origin: number[] } {
  let folded = '';
  const origin: number[] = [];
  let i = 0;
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    // CJK ideographs, ASCII digits and letters, most of a reply, fold to themselves (letters to lower case).
    if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a)) {
      folded += ch;
      origin.push(i);
    } else if (c >= 0x41 && c <= 0x5a) {
      folded += ch.toLowerCase();
      origin.push(i);
    } else if (!ignorable.test(ch)) {
      for (const f of ch.normalize('NFKC').toLowerCase()) {
        if (ignorable.test(f)) continue;
        folded += f;
        origin.push(i);
      }
    }
    i += ch.length;
  }
  return { folded, origin };
}

const foldPhrase = (phrase: string) => fold(phrase).folded;

/** Marks every occurrence of the given phrases in `text`; all other text escaped. */
export function highlight(text: string, phrases: string[]): string {
  const { folded, origin } = fold(text);
  const ranges: [number, number][] = [];
  for (const phrase of new Set(phrases.map(foldPhrase).filter((p) => p.length > 0))) {
    for (let at = folded.indexOf(phrase); at >= 0; at = folded.indexOf(phrase, at + phrase.length)) {
      const last = origin[at + phrase.length - 1];
      const lastLength = String.fromCodePoint(text.codePointAt(last)!).length;
      ranges.push([origin[at], last + lastLength]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const prev = merged[merged.length - 1];
    if (prev && r[0] <= prev[1]) prev[1] = Math.max(prev[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  let out = '';
  let pos = 0;
  for (const [from, to] of merged) {
    out += esc(text.slice(pos, from)) + '<mark>' + esc(text.slice(from, to)) + '</mark>';
    pos = to;
  }
  return out + esc(text.slice(pos));
}

/**
 * Evidence paths are relative to the run folder. Anything with a scheme or an
 * absolute path is refused so a crafted record cannot point the page elsewhere.
 */
export function evidenceSrc(path: string | undefined): string | null {
  if (!path) return null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('/') || path.startsWith('\\')) return null;
  return esc(path.split(/[\\/]/).map(encodeURIComponent).join('/'));
}

export function fmt(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  // Round half up in decimal, as the chart labels do (3.355 → 3.36, not toFixed's 3.35).
  const scale = 10 ** digits;
  return (Math.round(value * scale + 1e-9) / scale).toFixed(digits);
}

export function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${Math.round(value * 100)}%`;
}

/** A label's `{name}` placeholders filled in. */
export const fill = (template: string, values: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
