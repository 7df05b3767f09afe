import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Jieba as JiebaType } from '@node-rs/jieba';
import { JsonCache } from '../util/json-cache.ts';

// Word segmentation: a synonym matches a word of the reply, not a fragment
// across two words ("了解挂失" holds no 解挂), and a word right after a
// negation ("无法解挂", "不能办理挂失") is not said.

const require = createRequire(import.meta.url);
let jieba: JiebaType | undefined;

/** A file of the word segmenter's package: its dictionary and idf table. */
const jiebaFile = (name: string) => join(dirname(require.resolve('@node-rs/jieba/package.json')), name);

function segmenter(): JiebaType {
  if (!jieba) {
    const { Jieba } = require('@node-rs/jieba') as typeof import('@node-rs/jieba');
    // The package's default dictionary, read alone: '@node-rs/jieba/dict' reads the 6 MB idf table beside it, which cutting never uses.
    jieba = Jieba.withDict(readFileSync(jiebaFile('dict.txt')));
  }
  return jieba;
}

export interface Segmented {
  words: string[];
  /** Character offset (UTF-16) where each word starts, plus the text length at the end. */
  starts: number[];
}

/** The index of the word that holds offset `at` (-1 outside the text): starts are increasing. */
function wordIndexAt(starts: number[], at: number): number {
  let lo = 0;
  let hi = starts.length - 2;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] > at) hi = mid - 1;
    else if (at >= starts[mid + 1]) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Does a word start (or the text end) at offset `at`? */
function isBound(starts: number[], at: number): boolean {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] === at) return true;
    if (starts[mid] < at) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

const cache = new Map<string, Segmented>();
const CACHE_LIMIT = 20_000;

/** The words of a normalised text (cached: the same reply is read against many synonyms). */
export function segment(norm: string): Segmented {
  let s = cache.get(norm);
  if (s) return s;
  const words = norm ? segmenter().cut(norm, true) : [];
  const starts: number[] = [];
  let at = 0;
  for (const w of words) {
    starts.push(at);
    at += w.length;
  }
  starts.push(at);
  s = { words, starts };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(norm, s);
  return s;
}

/** Negations that undo the word after them ("无法解挂", "不能办理挂失", "暂不支持挂失"). */
const NEGATION_WORDS = new Set(['不', '没', '没有', '无法', '不能', '不可', '不可以', '不会', '未', '未能', '勿', '请勿', '切勿', '别', '不要', '不用', '无需', '无须', '不需', '不需要', '不必', '不支持', '暂不支持', '不予', '不得', '禁止', '不再', '并未', '尚未', '暂不', '暂未', '不允许']);
/** Words that may stand between a negation and what it negates ("不能 办理 挂失"). */
const LIGHT_VERBS = new Set(['办理', '进行', '申请', '使用', '通过', '在', '到', '去', '给', '为', '帮', '帮您', '直接', '再', '线上', '在线', '自行', '单独', '提供', '携带', '用', '被', '需要', '需', '能', '可以', '可', '会', '支持', '允许', '接受', '受理', '予以']);

/**
 * Is the text at [at, at+len) a whole word sequence of the reply (it starts or
 * ends on a word boundary) and not negated?
 */
export function wordAt(norm: string, at: number, len: number): { word: boolean; negated: boolean } {
  const s = segment(norm);
  const word = isBound(s.starts, at) || isBound(s.starts, at + len);
  let negated = false;
  // The word that holds `at`, and up to two before it.
  const i = wordIndexAt(s.starts, at);
  if (i >= 0) {
    // A negation inside the same word ("不挂失") or just before it.
    const own = s.words[i];
    if (s.starts[i] < at && NEGATION_WORDS.has(own.slice(0, at - s.starts[i]))) negated = true;
    for (let k = i - 1, hops = 0; !negated && k >= 0 && hops < 3; k--, hops++) {
      if (NEGATION_WORDS.has(s.words[k])) negated = true;
      else if (!LIGHT_VERBS.has(s.words[k])) break;
    }
  }
  return { word, negated };
}

/**
 * Where the term occurs in the reply as words, not negated; -1 when it does
 * not. Terms that carry their own negation ("不能代办") are matched as they are.
 */
export function findWord(norm: string, term: string): number {
  if (!term) return -1;
  let at = norm.indexOf(term);
  if (at < 0) return -1;
  const selfNegated = /^[不没无非未勿别免]/.test(term);
  while (at >= 0) {
    const w = wordAt(norm, at, term.length);
    if ((w.word || term.length === 1) && (selfNegated || !w.negated)) return at;
    at = norm.indexOf(term, at + 1);
  }
  return -1;
}

/** Does the term occur at all (as a word, negated or not): evidence of what the reply talks about. */
export function mentions(norm: string, term: string): boolean {
  if (!term) return false;
  let at = norm.indexOf(term);
  while (at >= 0) {
    if (term.length === 1 || wordAt(norm, at, term.length).word) return true;
    at = norm.indexOf(term, at + 1);
  }
  return false;
}

let everyday: Set<string> | undefined;

/**
 * Is a word everyday language (jieba's idf table gives it a general idf below
 * 5.5): 非常 4.9, 通过 4.0, 一般 4.3 say nothing of a question; 挂失 10.9,
 * 预留 9.3 do. Words the table does not hold (手机银行, 临时挂失) are not.
 */
export function isEverydayWord(word: string): boolean {
  everyday ??= everydayWords();
  return everyday.has(word);
}

const SPACE = 0x20;
const NEWLINE = 0x0a;
const DOT = 0x2e;
const isDigit = (b: number, lo: number, hi: number) => b >= 0x30 + lo && b <= 0x30 + hi;

/** Where the everyday words are kept once read from jieba's table: under the working folder, beside the packs' cache. */
export const EVERYDAY_CACHE_DIR = '.cache/jieba';
/** What makes a word everyday (part of the entry's key: a new rule never meets an old list). */
const EVERYDAY_RULE = 'idf-below-5.5';

/**
 * The everyday words of the installed table. Scanning its 6 MB took a
 * grading thread ~25 ms before it could read the first reply; the few
 * hundred words it keeps are saved by the table's size and time, and read
 * back from there.
 */
function everydayWords(): Set<string> {
  const table = jiebaFile('idf.txt');
  const st = statSync(table);
  const cache = new JsonCache(EVERYDAY_CACHE_DIR);
  const key = `everyday-${EVERYDAY_RULE}-${st.size}-${Math.round(st.mtimeMs)}`;
  const saved = cache.get(key);
  if (Array.isArray(saved) && saved.length && saved.every((w) => typeof w === 'string')) return new Set(saved);
  const words = scanIdf(readFileSync(table));
  cache.set(key, [...words]);
  return words;
}

/**
 * The words of lines "word idf" whose idf is below 5.5 ([0-4].… or 5.[0-4]…).
 * Only those few hundred of its 350,000 lines are kept: the table is scanned
 * as bytes, and only a kept word is decoded.
 */
export function scanIdf(bytes: Buffer): Set<string> {
  const words = new Set<string>();
  for (let line = 0; line < bytes.length; ) {
    let end = bytes.indexOf(NEWLINE, line);
    if (end < 0) end = bytes.length;
    const space = bytes.indexOf(SPACE, line);
    if (space > line && space < end) {
      const [a, b, c] = [bytes[space + 1], bytes[space + 2], bytes[space + 3]];
      if ((isDigit(a, 0, 4) && b === DOT) || (isDigit(a, 5, 5) && b === DOT && isDigit(c, 0, 4))) {
        const word = bytes.toString('utf8', line, space);
        if (!/\s/.test(word)) words.add(word);
      }
    }
    line = end + 1;
  }
  return words;
}
