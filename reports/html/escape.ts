// Bot output is untrusted: everything that reaches the page goes through here.

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => entities[c]);
}

/** Marks every occurrence of the given phrases in `text`; all other text escaped. */
export function highlight(text: string, phrases: string[]): string {
  const ranges: [number, number][] = [];
  for (const phrase of new Set(phrases.filter((p) => p.trim().length > 0))) {
    for (let at = text.indexOf(phrase); at >= 0; at = text.indexOf(phrase, at + phrase.length)) {
      ranges.push([at, at + phrase.length]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
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
  return value === null || value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits);
}

export function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${Math.round(value * 100)}%`;
}
