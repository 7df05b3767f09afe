import { createRequire } from 'node:module';
import type { Keypoint, Locale } from '../config/scenario.ts';
import type { KeypointHit, MatchHow } from '../types.ts';
import { normalisation, normalise } from './normalise.ts';
import { findWord } from './seg.ts';

const require = createRequire(import.meta.url);
let pinyinPro: typeof import('pinyin-pro') | undefined;
/**
 * Toneless pinyin as an array, every reading of a polyphone with `multiple`.
 * pinyin-pro's 600 KB of tables load with the first reading: only transcribed
 * (hotline) replies are read as pinyin.
 */
function toneless(text: string, multiple = false): string[] {
  pinyinPro ??= require('pinyin-pro') as typeof import('pinyin-pro');
  return pinyinPro.pinyin(text, { toneType: 'none', type: 'array', multiple, v: true }) as string[];
}

/** A synonym, normalised once, with what fuzzy and pinyin matching need. */
export interface PreparedTerm {
  text: string;
  norm: string;
  bigrams: Map<string, number>;
  nBigrams: number;
  /** Toneless syllables, one per character: every reading of a polyphone (行: hang, xing). */
  syllables: string[][];
}

export interface PreparedKeypoint {
  id: string;
  text: string;
  weight: number;
  any: PreparedTerm[];
  all: PreparedTerm[];
}

export interface MatchOptions {
  locale: Locale;
  /** The reply came through speech recognition: homophones count. */
  transcribed: boolean;
  /** Dice threshold for fuzzy hits; default 0.8. */
  fuzzyThreshold?: number;
}

export interface TermMatch {
  how: Exclude<MatchHow, 'llm'>;
  matched: string;
  term: string;
}

const DEFAULT_FUZZY = 0.8;
const FUZZY_MIN_CHARS = 3;
const PINYIN_MIN_CHARS = 2;
const SHORTEN_MIN_CHARS = 5;
/** A fuzzy window must keep a synonym's negation: "能代办" is the opposite of "不能代办". */
const NEGATIONS = '不没无非未勿别免';

function bigramsOf(s: string): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + 1 < s.length; i++) {
    const b = s.slice(i, i + 2);
    m.set(b, (m.get(b) ?? 0) + 1);
  }
  return m;
}

/** Every toneless reading of each character ("银行" → [[yin], [xing, hang, heng]]). */
export function readingsOf(norm: string): string[][] {
  return [...norm].map((c) => {
    const r = toneless(c, true);
    return r.length ? r : [c];
  });
}

export function syllablesOf(norm: string): string[] {
  const chars = [...norm];
  if (chars.length === 0) return [];
  const out = toneless(norm);
  // One syllable per character keeps offsets aligned; otherwise fall back per character.
  return out.length === chars.length ? out : chars.map((c) => toneless(c)[0] ?? c);
}

/** Keyed on the locale's normalisation: a term reads the same under every locale that normalises alike. */
const termCache = new WeakMap<object, Map<string, PreparedTerm>>();

export function prepareTerm(text: string, locale: Locale): PreparedTerm {
  const key = normalisation(locale);
  let byText = termCache.get(key);
  if (!byText) termCache.set(key, (byText = new Map()));
  let t = byText.get(text);
  if (!t) {
    const norm = normalise(text, locale);
    const bigrams = bigramsOf(norm);
    // Readings only for a transcribed reply (the hotline): read on first use.
    let syllables: string[][] | undefined;
    t = {
      text,
      norm,
      bigrams,
      nBigrams: Math.max(0, norm.length - 1),
      get syllables() {
        return (syllables ??= readingsOf(norm));
      },
    };
    byText.set(text, t);
  }
  return t;
}

const keypointCache = new WeakMap<Keypoint, WeakMap<Locale, PreparedKeypoint>>();

export function prepareKeypoint(kp: Keypoint, locale: Locale): PreparedKeypoint {
  let byLocale = keypointCache.get(kp);
  if (!byLocale) keypointCache.set(kp, (byLocale = new WeakMap()));
  let p = byLocale.get(locale);
  if (!p) {
    const any = kp.any.map((s) => prepareTerm(s, locale)).filter((t) => t.norm.length > 0);
    const all = (kp.all ?? []).map((s) => prepareTerm(s, locale)).filter((t) => t.norm.length > 0);
    p = { id: kp.id, text: kp.text, weight: kp.weight ?? 1, any, all };
    byLocale.set(locale, p);
  }
  return p;
}

let lastReply = '';
let lastBigrams = new Map<string, number>();

/** The same reply is checked against many synonyms in a row: keep its bigrams. */
function replyBigramsOf(reply: string): Map<string, number> {
  if (reply !== lastReply) {
    lastReply = reply;
    lastBigrams = bigramsOf(reply);
  }
  return lastBigrams;
}

/** Best Dice coefficient of the term against any window of the reply of its length ±1. */
export function bestDice(reply: string, term: PreparedTerm): { score: number; window: string } {
  let best = { score: 0, window: '' };
  const nA = term.nBigrams;
  if (nA === 0 || reply.length < 2) return best;
  // Cheap bound: bigrams shared with the whole reply.
  let sharedAll = 0;
  const replyBigrams = replyBigramsOf(reply);
  for (const [b, c] of term.bigrams) sharedAll += Math.min(c, replyBigrams.get(b) ?? 0);
  if ((2 * sharedAll) / (2 * nA - 1) < 0.5) return best;
  const L = term.norm.length;
  // A shorter window drops a character: only for long synonyms, where one
  // character is not the whole meaning ("临时挂" is not "临时挂失").
  const negations = [...term.norm].filter((c) => NEGATIONS.includes(c));
  // A window slides one character at a time: its shared-bigram count is kept
  // up to date in O(1) per step with numeric bigram keys, so a long reply
  // costs linear time and no garbage (a 64 KiB reply once took seconds).
  const want = new Map<number, number>();
  for (const [bigram, c] of term.bigrams) want.set(bigram.charCodeAt(0) * 65536 + bigram.charCodeAt(1), c);
  const key = (j: number) => reply.charCodeAt(j) * 65536 + reply.charCodeAt(j + 1);
  for (let w = Math.max(2, L >= SHORTEN_MIN_CHARS ? L - 1 : L); w <= L + 1; w++) {
    if (w > reply.length) break;
    const inWindow = new Map<number, number>();
    let shared = 0;
    const add = (k: number) => {
      const n = inWindow.get(k) ?? 0;
      if (n < (want.get(k) ?? 0)) shared++;
      inWindow.set(k, n + 1);
    };
    for (let j = 0; j + 1 < w; j++) add(key(j));
    for (let i = 0; i + w <= reply.length; i++) {
      if (i > 0) {
        const gone = key(i - 1);
        const n = inWindow.get(gone)! - 1;
        inWindow.set(gone, n);
        if (n < (want.get(gone) ?? 0)) shared--;
        add(key(i + w - 2));
      }
      const score = (2 * shared) / (nA + (w - 1));
      if (score <= best.score) continue;
      if (negations.length && negations.some((c) => !reply.slice(i, i + w).includes(c))) continue;
      best = { score, window: reply.slice(i, i + w) };
    }
  }
  return best;
}

const replySyllables = new Map<string, string[]>();

function syllablesCached(reply: string): string[] {
  let s = replySyllables.get(reply);
  if (!s) {
    if (replySyllables.size > 5000) replySyllables.clear();
    s = syllablesOf(reply);
    replySyllables.set(reply, s);
  }
  return s;
}

/**
 * Where the needle's sound occurs in the reply's syllables. The reply is read
 * in context; the needle may be heard in any of its readings, because a
 * recogniser that wrote 银腥卡 heard yin-xing-ka, one reading of 银行卡.
 */
const looseHays = new WeakMap<string[], string[]>();
const looseNeedles = new WeakMap<string[][], string[][]>();

const hayPresent = new WeakMap<string[], Set<string>>();

export function findSyllables(hay: string[], needle: string[][]): number {
  let lh = looseHays.get(hay);
  if (!lh) looseHays.set(hay, (lh = hay.map(loose)));
  let ln = looseNeedles.get(needle);
  if (!ln) looseNeedles.set(needle, (ln = needle.map((r) => r.map(loose))));
  if (needle.length > hay.length) return -1;
  // Quick reject: a syllable of the needle the reply never sounds (most phrases, most replies).
  let present = hayPresent.get(hay);
  if (!present) hayPresent.set(hay, (present = new Set(lh)));
  for (const readings of ln) if (!readings.some((r) => present.has(r))) return -1;
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (!ln[j].includes(lh[i + j])) continue outer;
    return i;
  }
  return -1;
}

const looseCache = new Map<string, string>();
/**
 * A syllable as a recogniser (or a southern speaker) may blur it: zh/ch/sh
 * as z/c/s, n as l, -ng as -n, h as f before u ("fu"/"hu").
 */
export function loose(syllable: string): string {
  let l = looseCache.get(syllable);
  if (l === undefined) {
    l = syllable.replace(/^([zcs])h/, '$1').replace(/^n(?!g)/, 'l').replace(/([aeiu])ng$/, '$1n').replace(/ing$/, 'in').replace(/^hu/, 'fu');
    looseCache.set(syllable, l);
  }
  return l;
}

/** The reply's syllables, read in context (cached: one reply meets many synonyms). */
export function replySyllablesOf(replyNorm: string): string[] {
  return syllablesCached(replyNorm);
}

/** Does this one synonym occur in the (normalised) reply, and how. */
export function matchTerm(replyNorm: string, term: PreparedTerm, opts: MatchOptions): TermMatch | null {
  if (findWord(replyNorm, term.norm) >= 0) return { how: 'synonym', matched: term.text, term: term.text };
  const threshold = opts.fuzzyThreshold ?? DEFAULT_FUZZY;
  if (term.norm.length >= FUZZY_MIN_CHARS) {
    const d = bestDice(replyNorm, term);
    if (d.score >= threshold) return { how: 'fuzzy', matched: d.window, term: term.text };
  }
  if (opts.transcribed && term.syllables.length >= PINYIN_MIN_CHARS && /\p{Script=Han}/u.test(term.norm)) {
    const hay = syllablesCached(replyNorm);
    const at = findSyllables(hay, term.syllables);
    if (at >= 0) return { how: 'pinyin', matched: [...replyNorm].slice(at, at + term.syllables.length).join(''), term: term.text };
  }
  return null;
}

const rank: Record<TermMatch['how'], number> = { synonym: 0, fuzzy: 1, pinyin: 2 };

/** The best match among terms: a plain synonym beats a fuzzy one beats a homophone. */
export function matchAnyTerm(replyNorm: string, terms: PreparedTerm[], opts: MatchOptions): TermMatch | null {
  let best: TermMatch | null = null;
  for (const t of terms) {
    if (findWord(replyNorm, t.norm) >= 0) return { how: 'synonym', matched: t.text, term: t.text };
  }
  for (const t of terms) {
    const m = matchTerm(replyNorm, t, opts);
    if (m && (!best || rank[m.how] < rank[best.how])) best = m;
    if (best?.how === 'fuzzy') break;
  }
  return best;
}

function isPrepared(kp: Keypoint | PreparedKeypoint): kp is PreparedKeypoint {
  return typeof kp.any[0] !== 'string';
}

/**
 * Is the key point in the reply: any synonym as a substring, else a fuzzy
 * window, else (transcribed replies only) the same pinyin; `all` terms too.
 */
export function matchKeypoint(replyNorm: string, keypoint: Keypoint | PreparedKeypoint, opts: MatchOptions): KeypointHit {
  const kp = isPrepared(keypoint) ? keypoint : prepareKeypoint(keypoint, opts.locale);
  const miss: KeypointHit = { id: kp.id, weight: kp.weight, hit: false };
  const m = matchAnyTerm(replyNorm, kp.any, opts);
  if (!m) return miss;
  const matched = [m.matched];
  let how = m.how;
  for (const term of kp.all) {
    const a = matchTerm(replyNorm, term, opts);
    if (!a) return miss;
    matched.push(a.matched);
    if (rank[a.how] > rank[how]) how = a.how;
  }
  return { id: kp.id, weight: kp.weight, hit: true, how, matched: matched.join(' + ') };
}
