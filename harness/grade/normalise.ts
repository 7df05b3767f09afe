import * as OpenCC from 'opencc-js/t2cn';
import type { Locale } from '../config/scenario.ts';

// Normalisation makes a reply and a key point's synonyms comparable: the same
// function runs on both sides, so what matters is that it is consistent.

// Built at the first text normalised (~11 ms of tables), not when the module loads: a run that grades in its own thread never needs it on the main thread.
let converter: ((text: string) => string) | undefined;
const toSimplified = (text: string) => (converter ??= OpenCC.Converter({ from: 't', to: 'cn' }))(text);

const builtinDigits: Record<string, string> = {
  〇: '0', 零: '0', 一: '1', 二: '2', 两: '2', 三: '3', 四: '4',
  五: '5', 六: '6', 七: '7', 八: '8', 九: '9',
};
const units: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 10000 };
/** After these a single numeral is a quantity ("五天"), not part of a word ("一般"). */
const counters = '天日月年周个小时分秒元块角次张位岁号楼类工笔项条种家星期倍成折遍'.split('');

const punctuation = /[\p{P}\p{S}\p{Z}\s]+/gu;

interface Prepared {
  digits: Record<string, string>;
  numeralRun: RegExp;
  synonyms: Map<string, string>;
  /** Variants by first code unit, longest first: a scan that finds what one alternation of them would. */
  synonymIndex: Map<string, Variant[]> | null;
  cache: Map<string, string>;
}

interface Variant {
  text: string;
  canonical: string;
  /** A Latin word matches as a word: not after / before another Latin letter or digit. */
  wordStart: boolean;
  wordEnd: boolean;
}

const prepared = new WeakMap<Locale, Prepared>();
/**
 * The tables depend only on the locale's numerals, synonyms and lexicon: a
 * locale loaded again (each run in one process loads its own) finds them,
 * and the texts they have already normalised, by that content.
 */
const preparedByContent = new Map<string, Prepared>();
const CONTENT_LIMIT = 8;
const CACHE_LIMIT = 20_000;

/** Punctuation and spaces go, except one space between two Latin words ("mobile banking"): a word boundary the lexicon needs. */
function base(text: string): string {
  const simplified = toSimplified(text.normalize('NFKC').toLowerCase());
  // "ii类" → 2类; most texts have no 类 to look before.
  return (simplified.includes('类') ? simplified.replace(/(iii|ii|i)(?=类)/g, (m: string) => String(m.length)) : simplified)
    .replace(punctuation, (m: string, at: number, whole: string) => (/\s/.test(m) && keepSpace(whole[at - 1], whole[at + m.length]) ? ' ' : ''));
}

function keepSpace(before: string | undefined, after: string | undefined): boolean {
  return /[a-z]/.test(before ?? '') && /[a-z]/.test(after ?? '');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function prepare(locale: Locale): Prepared {
  let p = prepared.get(locale);
  if (p) return p;
  const content = JSON.stringify([locale.numerals ?? null, locale.synonyms ?? null, locale.lexicon ?? null]);
  p = preparedByContent.get(content);
  if (!p) {
    p = prepareTables(locale);
    if (preparedByContent.size >= CONTENT_LIMIT) preparedByContent.delete(preparedByContent.keys().next().value!);
    preparedByContent.set(content, p);
  }
  prepared.set(locale, p);
  return p;
}

/** The same tables for any locale with the same numerals, synonyms and lexicon: what caches of normalised words may be keyed on. */
export function normalisation(locale: Locale): object {
  return prepare(locale);
}

function prepareTables(locale: Locale): Prepared {
  const digits: Record<string, string> = { ...builtinDigits };
  for (const [k, v] of Object.entries(locale.numerals ?? {})) {
    // Only single digits belong here; 十 and friends are positional and handled below.
    if (/^\d$/.test(v) && !(k in units)) digits[k] = v;
  }
  const chars = [...new Set([...Object.keys(digits), ...Object.keys(units)])].map(escapeRegExp).join('');
  const numeralRun = new RegExp(`[${chars}]+`, 'g');
  const p: Prepared = { digits, numeralRun, synonyms: new Map(), synonymIndex: null, cache: new Map() };
  // The lexicon's groups read every word as the group's first; `synonyms` is the older one-by-one form.
  const pairs: [string, string][] = Object.entries(locale.synonyms ?? {});
  for (const group of locale.lexicon ?? []) for (const variant of group.slice(1)) pairs.push([variant, group[0]]);
  for (const [variant, canonical] of pairs) {
    const v = convertNumerals(base(variant), p);
    const c = convertNumerals(base(canonical), p);
    if (v && v !== c && !p.synonyms.has(v)) p.synonyms.set(v, c);
  }
  // A Latin word matches as a word: "app" is not the end of "whatsapp".
  // Longest first, as an alternation sorted by length would try them; one
  // regular expression of every variant costs a pass of all of them at each
  // character, this index only the variants starting with that character.
  const variants = [...p.synonyms.keys()].sort((a, b) => b.length - a.length);
  if (variants.length) {
    p.synonymIndex = new Map();
    for (const v of variants) {
      const list = p.synonymIndex.get(v[0]) ?? [];
      list.push({ text: v, canonical: p.synonyms.get(v)!, wordStart: /^[a-z0-9]/.test(v), wordEnd: /[a-z0-9]$/.test(v) });
      p.synonymIndex.set(v[0], list);
    }
  }
  return p;
}

/** "二十四" → 24, "一百零五" → 105, "十五" → 15; null when it is not a positional number. */
function positional(run: string, digits: Record<string, string>): number | null {
  let total = 0;
  let section = 0;
  let pending: number | null = null;
  for (const ch of run) {
    if (ch in units) {
      const unit = units[ch];
      if (unit === 10000) {
        total += (section + (pending ?? 0)) * unit;
        section = 0;
      } else {
        section += (pending ?? 1) * unit;
      }
      pending = null;
    } else {
      const d = Number(digits[ch]);
      if (pending !== null && d !== 0) return null; // "二三十" is a range, not a number
      pending = d === 0 ? pending : d;
    }
  }
  return total + section + (pending ?? 0);
}

function convertNumerals(text: string, p: Prepared): string {
  return text.replace(p.numeralRun, (run, offset: number, whole: string) => {
    const next = whole[offset + run.length] ?? '';
    const hasUnit = [...run].some((ch) => ch in units);
    if (run.length === 1) {
      if (!counters.includes(next) && !/\d/.test(next)) return run;
      if (run === '十') return '10';
      return p.digits[run] ?? run;
    }
    if (hasUnit) {
      // "十分" (very) and "万一" are words, not quantities.
      if (run === '十分' || run === '万一' || run.startsWith('万')) return run;
      const n = positional(run, p.digits);
      return n === null ? run : String(n);
    }
    // Digit by digit: "一二三七八" → 12378. Two digits are a range ("两三天",
    // "七八个"), not a number: keep them.
    if (run.length < 3) return run;
    return [...run].map((ch) => p.digits[ch] ?? ch).join('');
  });
}

/**
 * Does a variant's edge run on into its neighbour: a letter beside a letter
 * ("free" in "freeze"), a digit beside a digit ("95588" in "955881"). A letter
 * beside a digit is a boundary: normalising drops the space of "valid for 5 days".
 */
function runsOn(edge: string, neighbour: string): boolean {
  return (isLetter(edge) && isLetter(neighbour)) || (isDigit(edge) && isDigit(neighbour));
}
const isLetter = (c: string) => c >= 'a' && c <= 'z';
const isDigit = (c: string) => c >= '0' && c <= '9';

/** Each leftmost-longest variant, left to right without overlap, → its canonical word. */
function replaceSynonyms(text: string, index: Map<string, Variant[]>): string {
  let out = '';
  let from = 0;
  let i = 0;
  while (i < text.length) {
    const list = index.get(text[i]);
    let hit: Variant | undefined;
    if (list) {
      for (const v of list) {
        if (!text.startsWith(v.text, i)) continue;
        if (v.wordStart && i > 0 && runsOn(v.text[0], text[i - 1])) continue;
        if (v.wordEnd && i + v.text.length < text.length && runsOn(v.text[v.text.length - 1], text[i + v.text.length])) continue;
        hit = v;
        break;
      }
    }
    if (hit) {
      out += text.slice(from, i) + hit.canonical;
      i += hit.text.length;
      from = i;
    } else {
      i++;
    }
  }
  return from ? out + text.slice(from) : text;
}

/**
 * NFKC, lower case, traditional → simplified, no punctuation or spaces,
 * Chinese numerals → digits, locale synonyms → canonical words.
 */
export function normalise(text: string, locale: Locale): string {
  const p = prepare(locale);
  const hit = p.cache.get(text);
  if (hit !== undefined) return hit;
  // "2元/月" is "每月2元": the slash goes with the punctuation, the meaning must not.
  const perUnit = text.includes('元') ? text.replace(/([0-9０-９.]+|[一二两三四五六七八九十]+)\s*元\s*[\/／每]\s*(月|年|笔|次)/g, '每$2$1元') : text;
  let out = convertNumerals(base(perUnit), p);
  if (p.synonymIndex) out = replaceSynonyms(out, p.synonymIndex);
  // A rewrite may leave a space beside a Chinese word ("mobile banking app" → "手机银行 手机银行").
  if (out.includes(' ')) out = out.replace(/ /g, (m: string, at: number, whole: string) => (keepSpace(whole[at - 1], whole[at + 1]) ? m : ''));
  if (p.cache.size >= CACHE_LIMIT) p.cache.clear();
  p.cache.set(text, out);
  return out;
}
