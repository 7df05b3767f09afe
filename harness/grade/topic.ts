import type { Keypoint, Locale, Pack } from '../config/scenario.ts';
import { prepareKeypoint, type PreparedKeypoint, type PreparedTerm } from './match.ts';

// Which scenario does a reply answer? Every pack's key points (de-duplicated
// by text) vote, each synonym weighted by how specific it is: a word used by
// n packs counts 1/n, so 身份证 or 网点 alone never moves a reply elsewhere.

interface PackTopic {
  id: string;
  name: string;
  keypoints: PreparedKeypoint[];
  /** Every normalised synonym of the pack: its vocabulary. */
  vocabulary: string[];
}

interface TopicIndex {
  packs: PackTopic[];
  /** Normalised synonym → 1 / number of packs using it. */
  specificity: Map<string, number>;
}

export interface PackEvidence {
  pack: string;
  score: number;
  /** How many of its key points the reply makes. */
  keypoints: number;
  /** How many distinct specific words (used by at most two packs) it matched. */
  specific: number;
  /** Those specific words, normalised. */
  specificWords: string[];
  /** The synonyms that voted, most specific first. */
  terms: string[];
}

const indexCache = new WeakMap<Pack[], WeakMap<Locale, TopicIndex>>();

function packKeypoints(pack: Pack): Keypoint[] {
  const seen = new Set<string>();
  const out: Keypoint[] = [];
  const add = (kp: Keypoint) => {
    const key = kp.text.trim();
    if (seen.has(key)) return;
    seen.add(key);
    out.push(kp);
  };
  for (const c of pack.cases) for (const t of c.turns) for (const kp of t.expect.keypoints) add(kp);
  // The scenario's own name is evidence too ("注销/销户", "余额查询" → 余额).
  if (nameTerms(pack.name).length) add({ id: 'scenario-name', text: `scenario ${pack.name}`, any: nameTerms(pack.name), weight: 1 });
  return out;
}

/**
 * Words every service reply uses: they make a key point when a turn lists
 * them (an apology is an apology) but say nothing about which scenario a
 * reply answers.
 */
const serviceWords = new Set(['咨询', '感谢', '谢谢', '抱歉', '对不起', '不便', '您好', '办理', '查询', '服务', '客服', '帮您', '请问', '信息', '申请', '提交', '设置', '选择', '收到', '记录', '理解', '为准', '尽快', '及时', '回复', '联系', '稍候', '请稍等']);

export function isServiceWord(norm: string): boolean {
  return serviceWords.has(norm);
}

/** "注销/销户" → 注销, 销户; "余额查询" → 余额查询, 余额; "卡挂失" → 卡挂失, 挂失. */
export function nameTerms(name: string): string[] {
  const out = new Set<string>();
  for (const part of name.split(/[\/、,，\s与和及]+/)) {
    if ([...part].length < 2) continue;
    out.add(part);
    const core = part.replace(/^卡/, '').replace(/(查询|咨询|办理)$/, '');
    if ([...core].length >= 2 && !serviceWords.has(core)) out.add(core);
  }
  return [...out];
}

export function topicIndex(packs: Pack[], locale: Locale): TopicIndex {
  let byLocale = indexCache.get(packs);
  if (!byLocale) indexCache.set(packs, (byLocale = new WeakMap()));
  let index = byLocale.get(locale);
  if (index) return index;
  const users = new Map<string, Set<string>>();
  const topics: PackTopic[] = packs.map((pack) => {
    const keypoints = packKeypoints(pack).map((kp) => prepareKeypoint(kp, locale));
    for (const kp of keypoints) {
      for (const t of [...kp.any, ...kp.all]) {
        let s = users.get(t.norm);
        if (!s) users.set(t.norm, (s = new Set()));
        s.add(pack.id);
      }
    }
    const vocabulary = [...new Set(keypoints.flatMap((kp) => [...kp.any, ...kp.all].map((t) => t.norm)))].filter((n) => !serviceWords.has(n));
    return { id: pack.id, name: pack.name, keypoints, vocabulary };
  });
  const specificity = new Map<string, number>();
  for (const [norm, s] of users) specificity.set(norm, serviceWords.has(norm) ? 0 : 1 / s.size);
  index = { packs: topics, specificity };
  byLocale.set(locale, index);
  return index;
}

export function termSpecificity(index: TopicIndex, term: PreparedTerm): number {
  return index.specificity.get(term.norm) ?? 1;
}

/** The most specific of a key point's synonyms found in the reply (0 when none is). */
export function bestSpecificity(replyNorm: string, terms: PreparedTerm[], index: TopicIndex): number {
  let best = 0;
  for (const t of terms) if (replyNorm.includes(t.norm)) best = Math.max(best, termSpecificity(index, t));
  return best;
}

/** Substring evidence for each pack (fast: no fuzzy or pinyin for the other packs). */
// The same reply is read several times (live by the driver, then by the
// grader): remember the latest verdicts per pack set.
const evidenceCache = new WeakMap<Pack[], Map<string, PackEvidence[]>>();
const EVIDENCE_CACHE_SIZE = 4096;

export function packEvidence(replyNorm: string, packs: Pack[], locale: Locale): PackEvidence[] {
  let cache = evidenceCache.get(packs);
  if (!cache) evidenceCache.set(packs, (cache = new Map()));
  const hit = cache.get(replyNorm);
  if (hit) return hit;
  const result = computePackEvidence(replyNorm, packs, locale);
  if (cache.size >= EVIDENCE_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(replyNorm, result);
  return result;
}

function computePackEvidence(replyNorm: string, packs: Pack[], locale: Locale): PackEvidence[] {
  const index = topicIndex(packs, locale);
  const out: PackEvidence[] = [];
  for (const p of index.packs) {
    // Each distinct word votes once per pack, however many key points list it:
    // 手机银行 in ten key points is still one generic word.
    const words = new Map<string, { text: string; spec: number; weight: number }>();
    let keypoints = 0;
    for (const kp of p.keypoints) {
      const found = kp.any.filter((t) => replyNorm.includes(t.norm) && termSpecificity(index, t) > 0);
      if (found.length === 0 || kp.all.some((t) => !replyNorm.includes(t.norm))) continue;
      keypoints++;
      for (const t of found) {
        const w = words.get(t.norm);
        const weight = Math.min(kp.weight, 2);
        if (!w) words.set(t.norm, { text: t.text, spec: termSpecificity(index, t), weight });
        else w.weight = Math.max(w.weight, weight);
      }
    }
    // A word inside a longer matched word ("挂失" in "临时挂失") adds nothing of its own.
    const norms = [...words.keys()];
    for (const n of norms) if (norms.some((o) => o !== n && o.includes(n))) words.delete(n);
    const list = [...words.values()].sort((a, b) => b.spec - a.spec);
    // Generic words count half: many of them add up without naming a topic.
    const score = list.reduce((a, w) => a + w.spec * w.weight * (w.spec >= SPECIFIC ? 1 : 0.5), 0);
    const specificWords = [...words].filter(([, w]) => w.spec >= SPECIFIC).map(([n]) => n);
    out.push({ pack: p.id, score, keypoints, specific: specificWords.length, specificWords, terms: list.map((w) => w.text) });
  }
  return out.sort((a, b) => b.score - a.score);
}

export interface TopicVerdict {
  /** The reply answers another pack's question. */
  offTopic: boolean;
  /** That pack, when off topic. */
  pack?: string;
  /** Its matched synonyms, for the reason. */
  terms?: string[];
  /** Evidence for the reply's own scenario (its pack plus its turn's hits). */
  own: number;
  /** Evidence for the strongest other scenario. */
  other: number;
  /** Nothing in the reply speaks of its own scenario (and it is not clearly another's). */
  unrelated: boolean;
}

const MIN_OTHER = 1;
const CLEARLY = 2;
/** A word used by at most two packs says something about the topic. */
export const SPECIFIC = 0.5;

/**
 * Off topic when another pack's key points are clearly (×2) better matched
 * than the reply's own, with at least two of its specific words that are not
 * the own scenario's vocabulary too, and none of the own turn's key points is
 * made with a specific word — 手机银行 or 柜台 alone do not make a card-loss
 * answer, but 12378 in an answer about escalating a complaint does address
 * the question.
 */
export function topicVerdict(
  replyNorm: string,
  ownPack: Pack,
  ownSpecificShare: number,
  ownTurnEvidence: number,
  packs: Pack[],
  locale: Locale,
): TopicVerdict {
  const all = packs.includes(ownPack) ? packs : [...packs, ownPack];
  const evidence = packEvidence(replyNorm, all, locale);
  const mine = evidence.find((e) => e.pack === ownPack.id);
  const own = Math.max(mine?.score ?? 0, ownTurnEvidence);
  const best = evidence.find((e) => e.pack !== ownPack.id);
  const other = best?.score ?? 0;
  const unrelated = own === 0;
  if (!best || ownSpecificShare > 0 || other < MIN_OTHER || other <= CLEARLY * own) {
    return { offTopic: false, own, other, unrelated };
  }
  // A word that contains or sits inside the own scenario's vocabulary ("当地网点"
  // and 网点, "收费" and 收费标准) is shared talk, not a sign of another topic.
  const ownVocabulary = topicIndex(all, locale).packs.find((p) => p.id === ownPack.id)?.vocabulary ?? [];
  const theirs = best.specificWords.filter((w) => !ownVocabulary.some((o) => o.includes(w) || w.includes(o))).length;
  // One stray word is not an answer: two specific words, or one with twice the
  // evidence when nothing specific speaks for the own scenario.
  const enough = theirs >= 2 || (theirs === 1 && (mine?.specific ?? 0) === 0 && other >= 2 * MIN_OTHER);
  return enough ? { offTopic: true, pack: best.pack, terms: best.terms, own, other, unrelated } : { offTopic: false, own, other, unrelated };
}
