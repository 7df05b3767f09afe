import type { Locale } from '../config/scenario.ts';
import type { KeypointHit } from '../types.ts';
import type { GradeContext } from './types.ts';
import { matchAnyTerm, prepareKeypoint, type MatchOptions, type PreparedKeypoint } from './match.ts';
import { normalise } from './normalise.ts';
import { findWord } from './seg.ts';
import { askedWords, type TurnLike } from './topic.ts';

// What a reply states, as opposed to what it says: a closing courtesy, an
// opening that restates the question, and the question's own words inside
// another key point's claim make no key point of their own.

export const SENTENCE = /(?<=[。！？!?；;\n])/;
export const CLAUSE = /(?<=[。！？!?；;，,：:\n])/;
/** Below this many characters of its own, text before buttons is a lead-in to a menu, not an answer. */
export const ANSWER_MIN_CHARS = 8;

/** A closing sentence that offers more help ("如有疑问请拨打客服热线。", "更多详情请咨询网点"). */
const COURTESY_TAIL = /^\s*(?:(?:如|若|如果|假如)(?:您)?(?:还)?(?:有|需)(?:其他|任何|别的|更多)?(?:问题|疑问|需要|需求|帮助|咨询|疑惑)|如需(?:帮助|咨询|进一步|了解更多|更多)|更多(?:问题|详情|信息|业务)|其他问题|(?:感谢|谢谢)您的(?:咨询|来电|支持|理解))/;

/** The reply without its closing courtesy sentences; the whole reply when nothing else is left. */
export function withoutCourtesyTail(body: string): string {
  const sentences = body.split(SENTENCE);
  let end = sentences.length;
  while (end > 1 && (COURTESY_TAIL.test(sentences[end - 1]) || sentences[end - 1].trim() === '')) end--;
  return end === sentences.length ? body : sentences.slice(0, end).join('');
}

const turnWordsCache = new WeakMap<Locale, WeakMap<object, { kps: PreparedKeypoint[]; texts: string[]; told: string; asked: string[] }>>();

/** A turn's key points and their texts, its wordings and what they all ask, normalised once per locale. */
function turnWords(turn: TurnLike, ctx: GradeContext): { kps: PreparedKeypoint[]; texts: string[]; told: string; asked: string[] } {
  let byTurn = turnWordsCache.get(ctx.locale);
  if (!byTurn) turnWordsCache.set(ctx.locale, (byTurn = new WeakMap()));
  let w = byTurn.get(turn);
  if (!w) {
    const kps = turn.expect.keypoints.map((kp) => prepareKeypoint(kp, ctx.locale));
    w = {
      kps,
      texts: kps.map((k) => normalise(k.text, ctx.locale)),
      told: [turn.say, ...turn.paraphrases].map((t) => normalise(t, ctx.locale)).join('|'),
      asked: askedWords(turn, ctx.locale),
    };
    byTurn.set(turn, w);
  }
  return w;
}

/**
 * Key points hit only by the question's own words where another key point's
 * claim spells them: to "用手机查要收钱吗" the reply "手机银行查询余额免费" makes
 * "free" (its text is 手机银行查询余额免费), not also "log in to the app and
 * look under account query" — 手机银行 there restates what was asked.
 * Returns the weight taken back.
 */
export function dropBorrowed(hits: KeypointHit[], hitTerms: string[], turn: TurnLike, body: string, keyNorm: string, opts: MatchOptions, ctx: GradeContext): number {
  const hitAt = hits.map((h, i) => (h.hit ? i : -1)).filter((i) => i >= 0);
  if (hitAt.length < 2) return 0;
  const { kps, texts, told, asked } = turnWords(turn, ctx);
  const echoes = (w: string) => told.includes(w) || asked.some((a) => w.includes(a));
  // Most replies stop here: no hit's word echoes the question inside another hit key point's text.
  if (!hitAt.some((i) => hitTerms[i] && echoes(hitTerms[i]) && hitAt.some((j) => j !== i && texts[j].includes(hitTerms[i])))) return 0;
  // The words of each hit key point found in the reply (a fuzzy or sound hit: what it matched).
  const found = hits.map((h, i) => {
    if (!h.hit) return [];
    const words = kps[i].any.map((t) => t.norm).filter((t) => t && findWord(keyNorm, t) >= 0);
    return words.length ? words : [hitTerms[i]].filter(Boolean);
  });
  const lender = (i: number, j: number) => i !== j && found[i].every((w) => texts[j].includes(w)) && found[j].some((w) => !texts[i].includes(w));
  const candidates = hitAt.filter((i) => hitAt.some((j) => lender(i, j)));
  if (!candidates.length) return 0;
  const clauses = body.split(CLAUSE).map((c) => normalise(c, ctx.locale)).filter(Boolean);
  let taken = 0;
  for (const i of candidates) {
    // On the hotline a word of its own misheard ("账户管离" for 账户管理) still makes it.
    if (opts.transcribed) {
      const lenders = hitAt.filter((j) => lender(i, j));
      const ownTerms = kps[i].any.filter((t) => !lenders.some((j) => texts[j].includes(t.norm)));
      if (ownTerms.length && matchAnyTerm(keyNorm, ownTerms, opts)) continue;
    }
    const borrowed = found[i].every(
      (w) => echoes(w) && clauses.some((c) => c.includes(w) && hitAt.some((j) => lender(i, j) && found[j].some((x) => !texts[i].includes(x) && c.includes(x)))),
    );
    if (!borrowed) continue;
    taken += hits[i].weight;
    // The words stay on the miss, so the reason can say why they did not count.
    hits[i] = { id: hits[i].id, weight: hits[i].weight, hit: false, matched: hits[i].matched };
  }
  return taken;
}

/** An opening that restates the question ("您问的是……对吗？", "关于“开户是否收费”的问题，为您解答如下："). */
const RESTATEMENT = [
  /^\s*(?:您好[，,！!]?\s*)?(?:您|你)(?:是)?(?:问的是|想问|想了解|想知道|想咨询|要咨询|咨询的是|是说)[^。！？!?：:]*[。！？!?：:]/,
  /^\s*(?:您好[，,！!]?\s*)?关于[^。！？!?：:，,]{1,30}的问题[，,：:。]?(?:为您解答如下[：:，,])?/,
  /^[^。！？!?]*(?:对吗|对吧|是吗|是吧|对不对)[？?]/,
];

/** The reply without an opening that restates the question: what it echoes is not what it states. */
export function withoutRestatement(body: string): string {
  for (const r of RESTATEMENT) {
    const m = r.exec(body);
    if (m && [...body.slice(m[0].length).replace(/\s/g, '')].length >= ANSWER_MIN_CHARS) return body.slice(m[0].length);
  }
  return body;
}
