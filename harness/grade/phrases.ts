import type { Locale } from '../config/scenario.ts';
import { normalise } from './normalise.ts';
import { findSyllables, readingsOf, replySyllablesOf } from './match.ts';
import { firstOccurring } from './terms.ts';

// The locale's phrase lists, normalised once per locale object.

export interface LocalePhrases {
  fallback: string[];
  handoff: string[];
  clarify: string[];
  /** Cues of related questions after an answer, as written (not normalised). */
  related: string[];
}

const cache = new WeakMap<Locale, LocalePhrases>();
/** A phrase's readings depend on its characters alone: kept across locales (each run loads its own). */
const phraseReadings = new Map<string, string[][]>();

/** Words of a bot asking for the customer's data, beyond a case's own `replies[].when`. */
export const dataWords = ['卡号', '身份证号', '证件号', '手机号', '手机号码', '验证码', '账号', '密码', '姓名', '位置信息', '所在城市', '街道', '详细地址', '工单号', '联系方式'];
/** An ask, not a mention: "请提供您的卡号", "请输入验证码". */
const askCues = ['告诉我', '请问您的', '提供一下', '输入您的', '发送您的', '您的卡号是', '报一下'];
/** 请/麻烦, 您 or not, 先/再 or not, then the ask: "请您先提供", "麻烦您再输入一次", "请先授权" (not 发送: "请发送CXYE到95588" is how to look a balance up). */
const askCuePattern = /(?:请|麻烦)(?:您|你)?(?:先|再|稍后|尽快)?(?:提供|输入|告诉|告知|授权)/;

export function localePhrases(locale: Locale): LocalePhrases {
  let p = cache.get(locale);
  if (!p) {
    const n = (list: string[] | undefined) => [...new Set((list ?? []).map((s) => normalise(s, locale)).filter(Boolean))];
    p = { fallback: n(locale.fallback), handoff: n(locale.handoff), clarify: n(locale.clarify), related: [...new Set((locale.related ?? []).map((s) => s.normalize('NFKC')))] };
    cache.set(locale, p);
  }
  return p;
}

/** A phrase's readings (pinyin), worked out the first time a transcribed reply needs them. */
function readingsOfPhrase(phrase: string): string[][] {
  let r = phraseReadings.get(phrase);
  if (!r) phraseReadings.set(phrase, (r = readingsOf(phrase)));
  return r;
}

/**
 * The first phrase in the reply; for a transcribed reply (`heard`) also a
 * phrase that sounds the same ("请痪个说法" is "请换个说法" misheard).
 */
export function findPhrase(norm: string, phrases: string[], heard?: boolean): string | undefined {
  const exact = firstOccurring(phrases, norm);
  if (exact || !heard || !norm) return exact;
  const syllables = replySyllablesOf(norm);
  return phrases.find((p) => [...p].length >= 3 && findSyllables(syllables, readingsOfPhrase(p)) >= 0);
}

const askCueCache = new WeakMap<Locale, string[]>();

export function askCueIn(norm: string, locale: Locale): boolean {
  if (askCuePattern.test(norm)) return true;
  let cues = askCueCache.get(locale);
  if (!cues) askCueCache.set(locale, (cues = askCues.map((c) => normalise(c, locale))));
  return cues.some((c) => norm.includes(c));
}

/** "您是想问：1.挂失 2.销户 3.余额查询？" — two or more numbered or quoted options. */
export function isNumberedMenu(text: string): boolean {
  const t = text.normalize('NFKC');
  const numbered = t.match(/(?:^|[\s:：，,；;？?。])[1-9]\s*[.、)）]/g)?.length ?? 0;
  const circled = t.match(/[①②③④⑤⑥⑦⑧⑨]/g)?.length ?? 0;
  // “如何开通动账提醒”“短信提醒收费标准”: quoted questions offered to click.
  const quoted = t.match(/[“「『"][^”」』"]{2,30}[”」』"]/g)?.length ?? 0;
  return numbered >= 2 || circled >= 2 || quoted >= 2;
}

const MENU_MARK = /(?:^|[\s:：，,；;？?。])([1-9])\s*[.、)）]|[①②③④⑤⑥⑦⑧⑨]/g;
const MAX_OPTION_CHARS = 24;

/**
 * The options of a menu in the text: numbered, circled or quoted items, when
 * the bot asks to choose (`asks`). Without a question they are the steps of
 * an answer ("1. 拨打热线挂失 2. 到网点补卡"), not choices.
 */
export function menuOptions(text: string, asks: boolean, keys = keypadOptions(text)): string[] {
  if (keys.length >= 2) return keys;
  if (!asks) return [];
  // Full-width digits and marks as ASCII; circled numbers stay (NFKC would make ① a bare 1).
  const t = text.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  const out: string[] = [];
  const marks = [...t.matchAll(MENU_MARK)];
  if (marks.length >= 2) {
    for (let i = 0; i < marks.length; i++) {
      const start = marks[i].index! + marks[i][0].length;
      const end = i + 1 < marks.length ? marks[i + 1].index! : t.length;
      const item = t.slice(start, end).replace(/[\s，,；;。？?]+$/, '').trim();
      if (item) out.push(item);
    }
  } else {
    for (const q of t.matchAll(/[“「『"]([^”」』"]{2,30})[”」』"]/g)) out.push(q[1]);
    if (out.length < 2) return [];
  }
  // A long item is a step of an answer, not a choice.
  return out.length >= 2 && out.every((o) => [...o].length <= MAX_OPTION_CHARS) ? out : [];
}

/** "查询余额请按1，挂失请按2" or "按1查询余额，按2挂失": a phone menu's choices. */
const KEY_AFTER = /([^，,。；;：:\n]{2,24}?)[，,]?\s*(?:请按|请拨|按)\s*([0-9#*＃＊])\s*(?:键|號键|号键)?/g;
const KEY_BEFORE = /(?:请按|按)\s*([0-9#*＃＊])\s*(?:键|号键)?\s*[:：，,]?\s*([^，,。；;\n]{2,24})/g;

export function keypadOptions(text: string): string[] {
  // Both patterns need 按 or 拨: most replies are read no further.
  if (!/[按拨]/.test(text)) return [];
  const t = text.normalize('NFKC');
  const after = [...t.matchAll(KEY_AFTER)].map((m) => m[1].replace(/^[\s：:、]*(?:或|和|及)?/, '').trim()).filter((o) => o.length >= 2);
  if (after.length >= 2 && !/^(?:请按|按)\s*[0-9#*]/.test(t.trim())) return after;
  const before = [...t.matchAll(KEY_BEFORE)].map((m) => m[2].trim()).filter((o) => o.length >= 2);
  return before.length >= 2 ? before : after.length >= 2 ? after : [];
}

/** The text without its phone-menu choices (what the bot says besides them); `keys` when they are known already. */
export function withoutKeypad(text: string, keys = keypadOptions(text)): string {
  if (keys.length < 2) return text;
  const t = text.normalize('NFKC');
  return t.replace(KEY_AFTER, '').replace(KEY_BEFORE, '');
}
